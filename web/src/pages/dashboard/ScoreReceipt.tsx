import { Anchor, Badge, Group, List, Stack, Text } from '@mantine/core';
import { type ReactNode, useMemo } from 'react';
import type { ReceiptNodeDto, UnitInsight } from '../../api/results';
import { useI18n } from '../../i18n';
import { formatDateTime, formatDecimal } from '../../lib/format';
import { reasonName, stageName } from '../../lib/labels';
import css from './insight.module.css';

type Indicator = NonNullable<ReceiptNodeDto['indicator']>;

/**
 * The score receipt drill-down: index → domains → (aspects →) indicators → self-assessed and
 * verified level → evidence → verifier. Native disclosure elements: keyboard and screen reader
 * support without script, and nothing to load.
 */
export function ScoreReceipt({ data }: { data: UnitInsight }) {
  const { t, lang } = useI18n();
  const ti = t.insight;
  const children = useMemo(() => {
    const m = new Map<string | null, ReceiptNodeDto[]>();
    for (const n of data.nodes) {
      const list = m.get(n.parentCode) ?? [];
      list.push(n);
      m.set(n.parentCode, list);
    }
    return m;
  }, [data.nodes]);
  const targetLevel = data.receipt?.targetLevel ?? 5;

  const levelText = (
    l: { level: number | null; notApplicable: boolean; metricValue: string | null } | null,
  ) =>
    !l
      ? t.review.noAnswer
      : l.notApplicable
        ? ti.na
        : l.level !== null
          ? t.assess.level(l.level)
          : l.metricValue !== null
            ? formatDecimal(l.metricValue, lang)
            : t.review.noAnswer;

  const figures = (n: ReceiptNodeDto): ReactNode => (
    <span className={css.figures}>
      {n.indicator ? null : (
        <span>
          {ti.indexShort} <strong>{formatDecimal(n.index, lang)}</strong>
          {n.selfIndex !== null && n.selfIndex !== n.index && (
            <>
              {' '}
              ({ti.selfShort} {formatDecimal(n.selfIndex, lang)})
            </>
          )}
        </span>
      )}
      {n.points !== null && (
        <span>
          {ti.points} {formatDecimal(n.points, lang)}
        </span>
      )}
      {n.lostVsTarget !== null && n.lostVsTarget !== '0.0000' && (
        <span style={{ color: 'var(--mantine-color-red-9)' }}>
          {ti.lostShort} {formatDecimal(n.lostVsTarget, lang)}
        </span>
      )}
    </span>
  );

  const ledgers = (n: ReceiptNodeDto, ind: Indicator) => {
    const self = ind.self;
    const ver = ind.verified;
    const criterion = (level: number | null | undefined) =>
      level ? (ind.criteria[level - 1] ?? null) : null;
    return (
      <div className={css.ledgers}>
        <section className={css.ledger} aria-label={ti.selfLedger}>
          <Text fw={700} size="sm">
            {ti.selfLedger}
          </Text>
          <dl>
            <dt>{ti.level}</dt>
            <dd>
              {levelText(self)}
              {self?.metricValue !== null && self?.metricValue !== undefined && self.level !== null && (
                <>
                  {' '}
                  · {formatDecimal(self.metricValue, lang)} {ind.metricUnit ?? ''}
                </>
              )}
            </dd>
            {criterion(self?.level) && (
              <>
                <dt>{ti.criterion}</dt>
                <dd>{criterion(self?.level)}</dd>
              </>
            )}
            <dt>{ti.justification}</dt>
            <dd>{self?.justification || '—'}</dd>
            <dt>{ti.evidence}</dt>
            <dd>
              {ind.evidence.length === 0 ? (
                ti.noEvidence
              ) : (
                <List size="sm" spacing={2}>
                  {ind.evidence.map((e) => (
                    <List.Item key={e.id}>
                      {e.kind === 'link' && e.url ? (
                        <Anchor href={e.url} target="_blank" rel="noreferrer" className="wrap-anywhere">
                          {e.title}
                        </Anchor>
                      ) : (
                        <Anchor href={`/api/evidence/${e.id}/download`} className="wrap-anywhere">
                          {e.title}
                        </Anchor>
                      )}
                      {e.docType && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          · {e.docType}
                        </Text>
                      )}
                      {e.sha256 && (
                        <Text size="xs" c="dimmed" className="wrap-anywhere">
                          SHA-256 {e.sha256}
                        </Text>
                      )}
                    </List.Item>
                  ))}
                </List>
              )}
            </dd>
          </dl>
        </section>
        <section className={css.ledger} aria-label={ti.verifiedLedger}>
          <Text fw={700} size="sm">
            {ti.verifiedLedger}
          </Text>
          {!ver ? (
            <Text size="sm">{ti.notVerified}</Text>
          ) : (
            <dl>
              <dt>{ti.level}</dt>
              <dd>
                {levelText(ver)}
                {ver.metricValue !== null && ver.level !== null && (
                  <>
                    {' '}
                    · {formatDecimal(ver.metricValue, lang)} {ind.metricUnit ?? ''}
                  </>
                )}
              </dd>
              {criterion(ver.level) && (
                <>
                  <dt>{ti.criterion}</dt>
                  <dd>{criterion(ver.level)}</dd>
                </>
              )}
              <dt>{ti.reason}</dt>
              <dd>{ver.reasonCode ? reasonName(ver.reasonCode, lang, ver.reasonLabel) : '—'}</dd>
              <dt>{ti.note}</dt>
              <dd>{ver.note || '—'}</dd>
              <dt>{ti.stage}</dt>
              <dd>{ver.stage ? stageName(ver.stage, lang, ver.stageLabel) : '—'}</dd>
              <dt>{ti.verifier}</dt>
              <dd data-testid="verifier">
                {ver.verifiedBy ?? '—'}
                {ver.verifiedAt && <> · {formatDateTime(ver.verifiedAt, lang)}</>}
              </dd>
            </dl>
          )}
        </section>
        {n.effectiveShare !== null && (
          <Text size="xs" c="dimmed" style={{ gridColumn: '1 / -1' }}>
            {ti.shareLine(
              formatDecimal(n.weight, lang),
              formatDecimal(n.effectiveShare, lang),
              formatDecimal(n.lostVsMax, lang),
              String(targetLevel),
              formatDecimal(n.lostVsTarget, lang),
            )}
          </Text>
        )}
      </div>
    );
  };

  const render = (n: ReceiptNodeDto): ReactNode => {
    const ind = n.indicator;
    const changed =
      ind?.self &&
      ind.verified &&
      (ind.self.level !== ind.verified.level || ind.self.notApplicable !== ind.verified.notApplicable);
    return (
      <details key={n.code} data-testid={`receipt-${n.code}`}>
        <summary>
          <span className={css.summaryRow}>
            <span className={css.summaryName}>
              <strong>{n.code}</strong> {n.name}
            </span>
            {ind && (
              <Group gap={4} component="span">
                {!ind.applicable ? (
                  <Badge variant="light" color="gray">
                    {ti.notApplicableType}
                  </Badge>
                ) : (
                  <>
                    <Badge variant="light" color="gray">
                      {ti.selfShort} {levelText(ind.self)}
                    </Badge>
                    <Badge variant="light" color={changed ? 'orange' : 'blue'}>
                      {ti.verifiedShort} {levelText(ind.verified)}
                    </Badge>
                  </>
                )}
              </Group>
            )}
            {figures(n)}
          </span>
        </summary>
        {ind ? ledgers(n, ind) : (children.get(n.code) ?? []).map(render)}
      </details>
    );
  };

  return (
    <Stack gap="sm">
      {data.receipt ? (
        <Stack gap={4}>
          <Text size="sm">{ti.formula}</Text>
          <Text size="sm">
            {ti.receiptTotals(
              formatDecimal(data.receipt.index, lang),
              formatDecimal(data.receipt.totals.points, lang),
              formatDecimal(data.receipt.reported, lang),
            )}
          </Text>
          <Text size="sm">
            {ti.receiptLost(
              String(data.receipt.targetLevel),
              formatDecimal(data.receipt.totals.lostVsTarget, lang),
              formatDecimal(data.receipt.totals.lostVsMax, lang),
            )}
          </Text>
        </Stack>
      ) : (
        <Text size="sm">{ti.noReceipt}</Text>
      )}
      <div className={css.receipt} data-testid="score-receipt">
        {(children.get(null) ?? []).map(render)}
      </div>
    </Stack>
  );
}
