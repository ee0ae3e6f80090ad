import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  draft: 'gray',
  open: 'blue',
  closed: 'gray',
  submitted: 'blue',
  returned: 'orange',
  resubmitted: 'indigo',
  verified: 'teal',
  final: 'green',
  published: 'green',
};

/** An assessment's state, labelled by the server (stateLabel is already in Indonesian). */
export function StateBadge({ state, label }: { state: string | null; label: string }) {
  return (
    <Badge variant="light" color={COLORS[state ?? ''] ?? 'gray'} data-state={state ?? undefined}>
      {label}
    </Badge>
  );
}
