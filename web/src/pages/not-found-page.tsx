import { useTitle } from '../components/common.js';
import { Link } from '../router.js';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useTitle('Not found');
  return (
    <article className="not-found">
      <h1>{what === 'page' ? 'Page not found' : `No such ${what}`}</h1>
      <p>There is nothing here. It may have been deleted, or the address is mistyped.</p>
      <p>
        <Link to="/">Home</Link> · <Link to="/tournaments">All tournaments</Link>
      </p>
    </article>
  );
}
