import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Role } from '../../../src/domain/policy/policy.js';
import { api } from '../lib/api';
import type { RoleAssignment } from '../lib/session';

/** GET /api/users item (src/modules/users/users.schemas.ts `userDto`). */
export interface User {
  id: string;
  email: string;
  name: string;
  active: boolean;
  locale: string;
  createdAt: string;
  roles: RoleAssignment[];
}

export interface RoleInput {
  role: Role;
  unitCode: string;
}

export const USERS_KEY = ['users'] as const;

export function useUsers(filter: { q?: string; role?: Role | null }) {
  return useQuery({
    queryKey: [...USERS_KEY, filter],
    queryFn: async ({ signal }) =>
      (await api<{ items: User[] }>('/api/users', { query: { q: filter.q, role: filter.role }, signal }))
        .items,
    placeholderData: keepPreviousData,
  });
}

export const createUser = (body: { email: string; name: string; password: string; roles: RoleInput[] }) =>
  api<User>('/api/users', { method: 'POST', body });
export const updateUser = (id: string, patch: { name?: string; active?: boolean; locale?: 'id' | 'en' }) =>
  api<User>(`/api/users/${id}`, { method: 'PATCH', body: patch });
export const setUserRoles = (id: string, roles: RoleInput[]) =>
  api<User>(`/api/users/${id}/roles`, { method: 'PUT', body: { roles } });
