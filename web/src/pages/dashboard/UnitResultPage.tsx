import { PageHeader } from '../../components/PageHeader';

/** Placeholder while the screen is being built. */
export default function Page() {
  return <PageHeader title="…" />;
}
