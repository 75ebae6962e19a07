import { Anchor, Skeleton } from '@mantine/core';
import { Link } from 'react-router';
import { $api } from '../../api/client';

/** A member's name linking to their record (cached per member by TanStack Query). */
export function MemberName({ id }: { id: string }) {
  const q = $api.useQuery('get', '/api/v1/members/{id}', { params: { path: { id } } }, { staleTime: 60_000 });
  if (q.isPending) return <Skeleton h={14} w={100} />;
  if (!q.data) return <>{id}</>;
  return (
    <Anchor component={Link} to={`/members/${id}`} size="sm">
      {q.data.firstName} {q.data.lastName}
    </Anchor>
  );
}
