/**
 * Demo mode: the embedded simulator's venue account (one computer device, Premium) is connected
 * at start-up, so guests can drive at once without a crew connecting anything.
 */
import { VENUE_SCOPES } from '../config.js';
import { ensureVenueListener } from '../../simulator/player-state.js';
import type { SimulatorState } from '../../simulator/simulator-state.js';
import type { VenueStore } from './venue-store.js';

export async function connectSimulatorVenue(store: VenueStore, sim: SimulatorState): Promise<void> {
  const venue = ensureVenueListener(sim);
  const scope = VENUE_SCOPES.join(' ');
  const t = sim.issueTokens(venue.id, scope);
  if (!t.refreshToken) throw new Error('the simulator issued no refresh token for the venue account');
  await store.connect(
    { id: venue.id, display_name: venue.displayName, product: venue.product },
    { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: sim.now() + t.expiresIn * 1000, scope },
  );
}
