import QRCode from 'qrcode';
import { decodeQrSvg } from '../helpers/qr-svg.js';

describe('the QR SVG decoder the tests use', () => {
  it('reads back the URL the qrcode package drew', async () => {
    const svg = await QRCode.toString('http://192.168.1.20:4000/', {
      type: 'svg',
      margin: 1,
      errorCorrectionLevel: 'M',
    });
    expect(decodeQrSvg(svg)).toBe('http://192.168.1.20:4000/');
  });
});
