import { SegmentedControl, VisuallyHidden } from '@mantine/core';
import { type Lang, useI18n } from '../i18n';

/** ID | EN: a labelled radio group; the choice is kept in localStorage. */
export function LanguageSwitch({ size = 'xs' }: { size?: 'xs' | 'sm' }) {
  const { lang, setLang, t } = useI18n();
  const option = (code: string, full: string, value: Lang) => ({
    value,
    label: (
      <>
        <span aria-hidden="true">{code}</span>
        <VisuallyHidden lang={value}>{full}</VisuallyHidden>
      </>
    ),
  });
  return (
    <SegmentedControl
      size={size}
      aria-label={t.lang.label}
      value={lang}
      onChange={(v) => void setLang(v as Lang)}
      data={[option('ID', 'Bahasa Indonesia', 'id'), option('EN', 'English', 'en')]}
      data-testid="language-switch"
    />
  );
}
