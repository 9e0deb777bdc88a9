/** The operator's health counts clients per kind: phones, projector displays, operators, bridges. */
import { useTestHub } from '../helpers/hub.js';
import { RecordingSocket } from '../helpers/socket-client.js';

const { hub } = useTestHub();

describe('health client counts', () => {
  it('counts a projector display apart from the phones', async () => {
    const phone = new RecordingSocket(hub.url);
    const display = new RecordingSocket(hub.url, { auth: { client: 'display' } });
    const bridge = new RecordingSocket(`${hub.url}/bridge`, { auth: { token: 'bridge-token-for-tests' } });
    const operator = new RecordingSocket(`${hub.url}/operator`, { auth: { token: 'operator-token-for-tests' } });
    await Promise.all([phone.connected(), display.connected(), bridge.connected(), operator.connected()]);
    const health = await operator.next(
      'health',
      (h) => h.clients.displays === 1 && h.clients['/'] === 2 && h.clients['/bridge'] === 1,
      15_000,
    );
    expect(health.clients).toEqual({ '/': 2, '/operator': 1, '/bridge': 1, displays: 1 });
    for (const s of [phone, display, bridge, operator]) s.close();
  });
});
