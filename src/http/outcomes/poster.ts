/**
 * A referral route's printable poster (A4) and its QR code. The QR code is drawn from the exact
 * link a resident would type (`<PUBLIC_URL>/?ref=CODE`), as SVG, so it prints sharp at any size;
 * the link is also written out in words for residents without a camera phone.
 */
import type { ReferralCode } from '../../store/referralCodes.ts';
import { html } from './html.ts';
import { outcomesPage } from './outcomesPage.ts';

/** The link a referral code is given out as. */
export function referralLink(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/?ref=${encodeURIComponent(code)}`;
}

/** The QR code of a link as SVG (error correction M: a poster may get a crease or a pin hole). */
export async function qrSvg(link: string): Promise<string> {
  // qrcode (~8 MB resident) loads with the first poster or QR code, not with the server.
  const { default: QRCode } = await import('qrcode');
  return QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
}

const POSTER_CSS = `
@page { size: A4 portrait; margin: 15mm; }
.poster { max-width: 180mm; margin: 0 auto; text-align: center; }
.poster .cta { font-size: 2.4rem; line-height: 1.2; font-weight: bold; margin: 1rem 0; }
.poster .offer { font-size: 1.35rem; }
.poster .qr { width: 95mm; height: 95mm; margin: 1rem auto; display: block; }
.poster .qr svg { width: 100%; height: 100%; }
.poster .link { font-size: 1.5rem; font-weight: bold; word-break: break-all; }
.poster .route { color: #4a4a4a; margin-top: 2rem; }
@media print { body { font-size: 14pt; } .poster h1 { display: none; } }
`;

export async function posterPage(code: ReferralCode, publicUrl: string, who: { label: string; csrf?: string | undefined }): Promise<string> {
  const link = referralLink(publicUrl, code.code);
  const qr = (await qrSvg(link)).replace('<svg ', `<svg role="img" aria-label="QR code that opens ${html(link)}" `);
  const body = `<div class="poster">
<p class="cta">Looking for work? We can help.</p>
<p class="offer">Free help to find a job with the NHS, the council and other local employers: check what you could do, book a short course to get ready, and apply once for several jobs. Chat in your own language, any time.</p>
<div class="qr">${qr}</div>
<p>Scan the code with your phone’s camera, or type this address:</p>
<p class="link">${html(link)}</p>
<p>Your referral code is <strong>${html(code.code)}</strong>.</p>
<p class="route">${html(code.label)}</p>
<p class="no-print"><a href="/admin/referrals/${html(code.code)}/qr.svg" download="qr-${html(code.code)}.svg">Download the QR code on its own (SVG)</a></p>
</div>`;
  return outcomesPage({ title: `Poster: ${code.label}`, body, who, css: POSTER_CSS });
}
