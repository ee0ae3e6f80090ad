import { Badge } from '@mantine/core';
import { useI18n } from '../../i18n';
import { stateName } from '../../lib/labels';

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

/** An assessment's state or a cycle's status, named in the reader's language (server label as fallback). */
export function StateBadge({ state, label }: { state: string | null; label: string }) {
  const { lang } = useI18n();
  return (
    <Badge variant="light" color={COLORS[state ?? ''] ?? 'gray'} data-state={state ?? undefined}>
      {stateName(state, lang, label)}
    </Badge>
  );
}
