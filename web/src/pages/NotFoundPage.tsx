import { StatusPage } from '../components/StatusPage';

export default function NotFoundPage() {
  return <StatusPage kind="notFound" homeHref="/" />;
}
