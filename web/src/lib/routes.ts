import type { Role } from '../../../src/domain/policy/policy.js';
import type { Dict } from '../i18n';

export type FeatureKey = keyof Dict['features'];

export interface AppRoute {
  path: string;
  /** Label key in `t.nav`. */
  nav: keyof Dict['nav'];
  /** Who sees it in the navigation and may open it; the server checks again on every request. */
  roles: readonly Role[] | 'all';
  section: 'main' | 'admin';
  /** Set while the screen waits for its API: the page shows a clearly marked placeholder. */
  comingSoon?: FeatureKey;
  /** Short description on the home page cards. */
  feature?: FeatureKey;
}

const STAFF = ['admin', 'coordinator'] as const;

/** Every signed-in screen, in navigation order. Paths are Indonesian, like the rest of the UI. */
export const APP_ROUTES = {
  home: { path: '/beranda', nav: 'home', roles: 'all', section: 'main' },
  dashboard: {
    path: '/dasbor',
    nav: 'dashboard',
    roles: ['leader', ...STAFF],
    section: 'main',
    feature: 'dashboard',
  },
  assessment: {
    path: '/penilaian',
    nav: 'assessment',
    roles: ['unit_operator', 'unit_head'],
    section: 'main',
    feature: 'assessment',
  },
  verification: {
    path: '/verifikasi',
    nav: 'verification',
    roles: ['assessor'],
    section: 'main',
    feature: 'verification',
  },
  cycles: {
    path: '/admin/siklus',
    nav: 'cycles',
    roles: STAFF,
    section: 'admin',
    feature: 'cycles',
  },
  instruments: {
    path: '/admin/instrumen',
    nav: 'instruments',
    roles: STAFF,
    section: 'admin',
    feature: 'instruments',
  },
  units: { path: '/admin/unit', nav: 'units', roles: STAFF, section: 'admin', feature: 'units' },
  users: { path: '/admin/pengguna', nav: 'users', roles: ['admin'], section: 'admin', feature: 'users' },
  audit: { path: '/admin/audit', nav: 'audit', roles: STAFF, section: 'admin', feature: 'audit' },
} as const satisfies Record<string, AppRoute>;

export type AppRouteKey = keyof typeof APP_ROUTES;
export const UNIT_IMPORT_PATH = '/admin/unit/impor';
export const assessmentPath = (id: string) => `/penilaian/${id}`;
export const reviewPath = (id: string) => `/verifikasi/${id}`;
export const CYCLE_NEW_PATH = '/admin/siklus/baru';
export const cyclePath = (id: string) => `/admin/siklus/${id}`;
export const instrumentVersionPath = (code: string, version: number | string) =>
  `/admin/instrumen/${encodeURIComponent(code)}/${version}`;
export const unitResultPath = (assessmentId: string) => `/dasbor/unit/${assessmentId}`;
