import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { $api } from '../../api/client';

/** A date-time picked in the browser as the ISO instant the API takes. */
export const toInstant = (v: string | Date | null | undefined) => (v ? dayjs(v).toISOString() : '');

/** After any change here, every notification list is read again. */
function useInvalidate() {
  const client = useQueryClient();
  const prefixes = ['/api/v1/resources', '/api/v1/bookings', '/api/v1/maintenance-periods', '/api/v1/validities', '/api/v1/notification-managers', '/api/v1/members/{id}'];
  return () => client.invalidateQueries({ predicate: (q) => typeof q.queryKey[1] === 'string' && prefixes.some((p) => (q.queryKey[1] as string).startsWith(p)) });
}

export const useResources = (page = 1, pageSize = 10) => $api.useQuery('get', '/api/v1/resources', { params: { query: { page, pageSize } } }, { placeholderData: keepPreviousData });
export const useAllResources = () => $api.useQuery('get', '/api/v1/resources', { params: { query: { pageSize: 100 } } });
export const useMemberSearch = (q: string) => $api.useQuery('get', '/api/v1/members', { params: { query: { q, pageSize: 20 } } }, { placeholderData: keepPreviousData });

export type BookingFilter = 'upcoming' | 'waitlisted' | 'cancelled';
export function useBookings(resourceId: string | null, filter: BookingFilter, page: number) {
  // "Upcoming" means from when the list was opened: a clock read at each render made a new query
  // key each time, so every answer asked again, without end, and the page never settled.
  const [openedAt] = useState(() => new Date().toISOString());
  const query = {
    page,
    ...(resourceId ? { resourceId } : {}),
    ...(filter === 'upcoming' ? { status: 'confirmed' as const, from: openedAt } : { status: filter }),
  };
  return $api.useQuery('get', '/api/v1/bookings', { params: { query } }, { placeholderData: keepPreviousData });
}
export const useMaintenance = (page: number) => $api.useQuery('get', '/api/v1/maintenance-periods', { params: { query: { page } } }, { placeholderData: keepPreviousData });
export const useValidities = (page: number) => $api.useQuery('get', '/api/v1/validities', { params: { query: { page } } }, { placeholderData: keepPreviousData });
export const useManagers = (page: number) => $api.useQuery('get', '/api/v1/notification-managers', { params: { query: { page } } }, { placeholderData: keepPreviousData });
export const usePreferences = (memberId: string) => $api.useQuery('get', '/api/v1/members/{id}/notification-preferences', { params: { path: { id: memberId } } });
export const useBalance = (memberId: string) => $api.useQuery('get', '/api/v1/members/{id}/balance', { params: { path: { id: memberId } } });

export const useCreateResource = () => $api.useMutation('post', '/api/v1/resources', { onSuccess: useInvalidate() });
export const useCreateBooking = () => $api.useMutation('post', '/api/v1/bookings', { onSuccess: useInvalidate() });
export const useMoveBooking = () => $api.useMutation('patch', '/api/v1/bookings/{id}', { onSuccess: useInvalidate() });
export const useCancelBooking = () => $api.useMutation('post', '/api/v1/bookings/{id}/cancel', { onSuccess: useInvalidate() });
export const useDeclareMaintenance = () => $api.useMutation('post', '/api/v1/resources/{id}/maintenance', { onSuccess: useInvalidate() });
export const useCreateValidity = () => $api.useMutation('post', '/api/v1/validities', { onSuccess: useInvalidate() });
export const useSavePreferences = () => $api.useMutation('put', '/api/v1/members/{id}/notification-preferences', { onSuccess: useInvalidate() });
export const useSaveBalance = () => $api.useMutation('put', '/api/v1/members/{id}/balance', { onSuccess: useInvalidate() });
