/** The simulator's one page: the "portal" (accounts, callback URLs), a phone, faults and the callback log. */
export function simulatorPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TeleSign simulator</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:1100px;color:#222}
h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.25rem .4rem;text-align:left;vertical-align:top}
input,textarea{font:inherit;padding:.2rem}code{font-size:12px;word-break:break-all}.muted{color:#777}
fieldset{border:1px solid #ddd;margin:.5rem 0}
</style></head><body>
<h1>TeleSign simulator</h1>
<p class="muted">REST API: <code>POST /v1/messaging</code>, <code>GET /v1/messaging/{reference_id}</code> (Basic or Digest auth).
Control API: <code>/sim/accounts</code>, <code>/sim/phones/{number}/messages</code>, <code>/sim/faults</code>, <code>/sim/callbacks</code>.</p>

<h2>Accounts (portal)</h2>
<table id="accounts"><thead><tr><th>Customer ID</th><th>API key</th><th>Numbers</th><th>Callback URL</th></tr></thead><tbody></tbody></table>
<fieldset><legend>Add account</legend>
<input id="newNumbers" placeholder="support numbers, comma separated"> <button onclick="addAccount()">Add</button></fieldset>

<h2>Phone</h2>
<fieldset>
<label>This phone <input id="phone" value="15551230001" size="14"></label>
<label>texts number <input id="to" size="10"></label><br>
<textarea id="text" rows="2" cols="60" placeholder="Where is my order?"></textarea><br>
<button onclick="sendMo()">Send SMS</button> <span id="sendResult" class="muted"></span>
</fieldset>
<table id="phoneMessages"><thead><tr><th>When</th><th>Direction</th><th>From → To</th><th>Text</th><th>Status</th></tr></thead><tbody></tbody></table>

<h2>Faults</h2>
<fieldset id="faults"></fieldset>
<button onclick="saveFaults()">Apply</button> <button onclick="resetFaults()">Reset</button>

<h2>Callbacks sent</h2>
<table id="callbacks"><thead><tr><th>#</th><th>Kind</th><th>Reference</th><th>Code</th><th>URL</th><th>Attempts</th><th>Outcome</th></tr></thead><tbody></tbody></table>
<script>
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
async function j(method, url, body) {
  const r = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return r.json();
}
async function loadAccounts() {
  const list = await j('GET', '/sim/accounts');
  $('accounts').tBodies[0].innerHTML = list.map((a) => '<tr><td><code>' + esc(a.customerId) + '</code></td><td><code>' + esc(a.apiKey) +
    '</code></td><td>' + esc(a.numbers.join(', ')) + ' <button onclick="addNumber(\\'' + esc(a.customerId) + '\\')">+</button></td><td><input size="40" id="cb-' + esc(a.customerId) +
    '" value="' + esc(a.callbackUrl) + '"> <button onclick="saveCallback(\\'' + esc(a.customerId) + '\\')">Save</button></td></tr>').join('');
  if (!$('to').value && list[0]?.numbers[0]) $('to').value = list[0].numbers[0];
}
async function addAccount() {
  await j('POST', '/sim/accounts', { numbers: $('newNumbers').value.split(',').map((s) => s.trim()).filter(Boolean) });
  loadAccounts();
}
async function addNumber(cid) { const n = prompt('Number (digits)'); if (n) { await j('POST', '/sim/accounts/' + cid + '/numbers', { number: n }); loadAccounts(); } }
async function saveCallback(cid) { await j('PUT', '/sim/accounts/' + cid + '/callback-url', { url: $('cb-' + cid).value }); loadAccounts(); }
async function sendMo() {
  $('sendResult').textContent = 'sending…';
  const r = await j('POST', '/sim/phones/' + $('phone').value + '/messages', { to: $('to').value, text: $('text').value });
  $('sendResult').textContent = r.error ? r.error : 'reference ' + r.referenceId + ', callback ' + (r.callback.attempts.map((a) => a.httpStatus ?? a.error).join(', ') || 'pending');
  $('text').value = ''; loadPhone();
}
async function loadPhone() {
  const r = await j('GET', '/sim/phones/' + $('phone').value + '/messages');
  $('phoneMessages').tBodies[0].innerHTML = r.messages.slice().reverse().map((m) => '<tr><td>' + esc(m.at.slice(11, 19)) + '</td><td>' + esc(m.direction) +
    '</td><td>' + esc(m.from) + ' → ' + esc(m.to) + '</td><td>' + esc(m.text) + '</td><td>' + esc(m.statusCode) + '</td></tr>').join('');
}
async function loadFaults() {
  const f = await j('GET', '/sim/faults');
  $('faults').innerHTML = Object.entries(f).map(([k, v]) => '<label>' + k + ' <input data-k="' + k + '" ' +
    (typeof v === 'boolean' ? 'type="checkbox"' + (v ? ' checked' : '') : 'size="6" value="' + v + '"') + '></label> ').join('');
}
async function saveFaults() {
  const body = {};
  for (const i of document.querySelectorAll('#faults input')) body[i.dataset.k] = i.type === 'checkbox' ? i.checked : Number(i.value);
  await j('POST', '/sim/faults', body); loadFaults();
}
async function resetFaults() { await j('DELETE', '/sim/faults'); loadFaults(); }
async function loadCallbacks() {
  const list = await j('GET', '/sim/callbacks');
  $('callbacks').tBodies[0].innerHTML = list.slice(-30).reverse().map((c) => '<tr><td>' + c.id + '</td><td>' + esc(c.kind) + '</td><td><code>' + esc(c.referenceId) +
    '</code></td><td>' + c.statusCode + '</td><td><code>' + esc(c.url) + '</code></td><td>' + c.attempts.map((a) => esc(a.httpStatus ?? a.error)).join(', ') +
    '</td><td>' + esc(c.outcome) + '</td></tr>').join('');
}
loadAccounts(); loadFaults(); loadPhone(); loadCallbacks();
setInterval(() => { loadPhone(); loadCallbacks(); }, 2000);
</script></body></html>`;
}
