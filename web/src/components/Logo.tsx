import { Group, Text } from '@mantine/core';

/** The lighthouse mark and the name; decorative, so links around it carry the label. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <Group gap={8} wrap="nowrap" aria-hidden="true">
      <svg width={size} height={size} viewBox="0 0 64 64" role="presentation">
        <rect width="64" height="64" rx="12" fill="#1971c2" />
        <path d="M27 14h10l4 40H23z" fill="#fff" />
        <path d="M25 22h14M24.2 32h15.6M23.4 42h17.2" stroke="#1971c2" strokeWidth="3" />
        <path d="M32 6l-5 8h10z" fill="#ffd43b" />
      </svg>
      <Text fw={700} size="lg" c="dark">
        Mercusuar
      </Text>
    </Group>
  );
}
