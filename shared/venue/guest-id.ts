/** Guests' user ids: minted by the hub (no Spotify id), told apart from members' by their prefix. */
import { randomBytes } from 'node:crypto';

const GUEST_ID_PREFIX = 'guest:';

export const newGuestId = (): string => `${GUEST_ID_PREFIX}${randomBytes(12).toString('base64url')}`;

export const isGuestId = (userId: string): boolean => userId.startsWith(GUEST_ID_PREFIX);
