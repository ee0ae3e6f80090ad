import { Text } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader } from '../../components/PageLoader';
import { QueryError } from '../../components/QueryError';
import { useI18n } from '../../i18n';
import { AssessmentTable, useAssessmentRows } from '../assessment/AssessmentListPage';

/** `/verifikasi` — the assessor's queue: assessments of the open cycles (the server lists only assigned units). */
export default function ReviewQueuePage() {
  const { t } = useI18n();
  const { rows, failed, pending, retry } = useAssessmentRows((c) => c.status === 'open');
  return (
    <>
      <PageHeader title={t.review.title} intro={t.review.intro} />
      {failed ? (
        <QueryError error={failed} onRetry={retry} />
      ) : pending ? (
        <PageLoader />
      ) : rows.length === 0 ? (
        <Text>{t.review.empty}</Text>
      ) : (
        <AssessmentTable rows={rows} hrefOf={(r) => `/verifikasi/${r.id}`} caption={t.review.title} />
      )}
    </>
  );
}
