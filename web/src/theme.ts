import {
  type CSSVariablesResolver,
  createTheme,
  DEFAULT_THEME,
  type MantineColorsTuple,
} from '@mantine/core';

/**
 * Mantine's defaults with WCAG AA contrast: filled colours use shade 8, and the colours whose
 * shades 8/9 are too light for white text or for text on their light background get darker ones
 * (each checked for at least 4.5:1).
 */
const darker: Record<string, [string, string]> = {
  green: ['#278238', '#237133'],
  teal: ['#08835e', '#077050'],
  orange: ['#c34b0a', '#ae3a0c'],
  yellow: ['#a86200', '#984f00'],
  cyan: ['#0b7d90', '#0a6b7d'],
  lime: ['#4e800b', '#446e0a'],
  red: ['#d72f2f', '#bd2727'],
};

const colors = Object.fromEntries(
  Object.entries(darker).map(([name, [s8, s9]]) => {
    const base = [...DEFAULT_THEME.colors[name]!];
    base[8] = s8;
    base[9] = s9;
    return [name, base as unknown as MantineColorsTuple];
  }),
);

export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  colors,
  autoContrast: true,
  focusRing: 'auto',
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
  cursorType: 'pointer',
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#5c636a',
    '--mantine-color-placeholder': '#6c757d',
    '--mantine-color-anchor': 'var(--mantine-color-blue-8)',
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  },
  dark: {},
});
