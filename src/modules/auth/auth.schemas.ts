import { z } from 'zod';

export const loginBody = z.strictObject({
  email: z.string().trim().min(1, 'Email wajib diisi').max(254),
  password: z.string().min(1, 'Kata sandi wajib diisi').max(1024),
});

export const sessionUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  locale: z.string(),
  roles: z.array(
    z.object({ role: z.string(), unitId: z.uuid(), unitCode: z.string(), unitName: z.string() }),
  ),
});

export const sessionResponse = z.object({ user: sessionUser, csrfToken: z.string() });

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(1024),
});

export const okResponse = z.object({ ok: z.literal(true) });
