import { z } from 'zod';
import { ROLES } from '../../domain/policy/policy.js';

export const roleAssignmentInput = z.strictObject({
  role: z.enum(ROLES, { message: `Peran harus salah satu dari: ${ROLES.join(', ')}` }),
  unitCode: z.string().trim().min(1),
});

export const createUserBody = z.strictObject({
  // Trim and lower-case first, then check the format (z.email() would check before trimming).
  email: z.string().trim().toLowerCase().email('Format email tidak valid').max(254),
  name: z.string().trim().min(2, 'Nama minimal 2 karakter').max(200),
  password: z.string().min(1).max(1024),
  roles: z.array(roleAssignmentInput).max(50).default([]),
});

export const updateUserBody = z.strictObject({
  name: z.string().trim().min(2).max(200).optional(),
  active: z.boolean().optional(),
  locale: z.enum(['id', 'en']).optional(),
});

export const setRolesBody = z.strictObject({ roles: z.array(roleAssignmentInput).max(50) });

export const userDto = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  locale: z.string(),
  createdAt: z.date(),
  roles: z.array(
    z.object({ role: z.string(), unitId: z.uuid(), unitCode: z.string(), unitName: z.string() }),
  ),
});
export type UserDto = z.infer<typeof userDto>;

export const userIdParams = z.strictObject({ id: z.uuid() });
export const userListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  role: z.enum(ROLES).optional(),
  unit: z.string().optional().describe('unit code: users assigned within its subtree'),
});
