/*
 * ChainMarket operator console, usage view: the invoice of a period (GET /api/v1/usage?from&to, by default this month
 * until now) as the operator sees it: the invoice lines per buyer (usage, SLA credit and what is owed, per chain, hop
 * and offer), the revenue per provider (usage less the credits charged to it) and the SLA credits per violation
 * period; polled every 5 s while the view is shown. Amounts are exact decimals from the API, shown to the cent.
 */
(function () {
  'use strict';

  const C = window.ChainMarketConsole;
  const {h, request, problemText, dateTime, time, shortId} = C;
  const POLL_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const state = {shown: false, timer: null, inFlight: false, again: false, sig: null, polls: 0};

  /** An exact decimal amount from the API, to the cent (half up, as the amount's own digits say). */
  function eur(amount) {
    const v = Number(amount);
    return Number.isFinite(v) ? `${v.toFixed(2)} €` : '—';
  }

  function hours(v) {
    const n = Number(v);
    return Number.isFinite(n) ? n.toFixed(n >= 100 ? 1 : 3) : '—';
  }

  /** The period the form names: a date is its day's start (UTC), the end date exclusive; empty: the API's default. */
  function period() {
    const q = new URLSearchParams();
    if ($('usage-from').value) q.set('from', `${$('usage-from').value}T00:00:00Z`);
    if ($('usage-to').value) q.set('to', `${$('usage-to').value}T00:00:00Z`);
    return q.toString();
  }

  async function poll() {
    clearTimeout(state.timer);
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    if (C.views.active('usage')) {
      try {
        const q = period();
        const r = await request('GET', `/usage${q ? '?' + q : ''}`);
        if (!r.ok) throw new Error(problemText(r));
        render(r.body);
        state.polls++;
        document.body.dataset.usagePolls = String(state.polls);
        $('usage-status').textContent = `${dateTime(r.body.from)} to ${dateTime(r.body.to)} · updated ${time(new Date().toISOString())}`;
        $('usage-status').dataset.state = 'live';
      } catch (e) {
        $('usage-status').textContent = `Cannot load the usage (${e.message || e})`;
        $('usage-status').dataset.state = 'error';
      }
    }
    state.inFlight = false;
    const again = state.again;
    state.again = false;
    if (state.shown) state.timer = setTimeout(poll, again ? 0 : POLL_MS);
  }

  function render(report) {
    const sig = JSON.stringify([report.lines, report.credits, report.providers, report.total]);
    if (sig === state.sig) return;
    state.sig = sig;
    const totals = $('usage-totals');
    totals.dataset.usage = report.usage;
    totals.dataset.credit = report.credit;
    totals.dataset.total = report.total;
    totals.replaceChildren(
      h('dt', {}, 'Used'), h('dd', {}, eur(report.usage)),
      h('dt', {}, 'SLA credits'), h('dd', {}, eur(report.credit)),
      h('dt', {}, 'Owed'), h('dd', {class: 'owed'}, eur(report.total)));

    const byBuyer = new Map();
    for (const line of report.lines) {
      if (!byBuyer.has(line.buyerId)) byBuyer.set(line.buyerId, []);
      byBuyer.get(line.buyerId).push(line);
    }
    const buyerTotals = new Map((report.buyers || []).map((t) => [t.id, t]));
    $('usage-buyers').replaceChildren(...[...byBuyer.keys()].sort().map((buyer) => {
      const t = buyerTotals.get(buyer) || {};
      return h('section', {class: 'invoice', dataset: {buyer, total: t.amount}},
        h('h3', {}, `${buyer} · owes ${eur(t.amount)}`, Number(t.credit) > 0 ? h('span', {class: 'muted'}, ` (used ${eur(t.usage)}, credited ${eur(t.credit)})`) : ''),
        h('div', {class: 'table-wrap'}, h('table', {class: 'lines'},
          h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Chain'), h('th', {scope: 'col'}, '#'), h('th', {scope: 'col'}, 'VNF'),
            h('th', {scope: 'col'}, 'Offer'), h('th', {scope: 'col'}, 'Provider'), h('th', {scope: 'col', class: 'num'}, 'Hours'),
            h('th', {scope: 'col', class: 'num'}, 'Mbit/s·h'), h('th', {scope: 'col', class: 'num'}, 'Used'),
            h('th', {scope: 'col', class: 'num'}, 'SLA credit'), h('th', {scope: 'col', class: 'num'}, 'Owed'))),
          h('tbody', {}, byBuyer.get(buyer).map((l) => h('tr', {dataset: {chainId: l.chainId, hopIndex: String(l.hopIndex), offerId: l.offerId,
              providerId: l.providerId, amount: l.amount, credit: l.credit}},
            h('td', {class: 'mono', title: l.chainId}, shortId(l.chainId)), h('td', {}, String(l.hopIndex + 1)), h('td', {}, l.vnfType),
            h('td', {class: 'mono'}, l.offerId), h('td', {}, l.providerId), h('td', {class: 'num'}, hours(l.hours)),
            h('td', {class: 'num'}, hours(l.mbpsHours)), h('td', {class: 'num'}, eur(Number(l.hourlyAmount) + Number(l.bandwidthAmount))),
            h('td', {class: 'num'}, Number(l.credit) > 0 ? `− ${eur(l.credit)}` : '—'), h('td', {class: 'num'}, eur(l.amount))))))));
    }));
    $('usage-empty').hidden = report.lines.length > 0;

    $('usage-provider-rows').replaceChildren(...report.providers.map((t) => h('tr', {dataset: {providerId: t.id, amount: t.amount, credit: t.credit}},
      h('td', {}, t.id), h('td', {class: 'num'}, eur(t.usage)), h('td', {class: 'num'}, Number(t.credit) > 0 ? `− ${eur(t.credit)}` : '—'),
      h('td', {class: 'num'}, eur(t.amount)))));

    $('usage-credit-rows').replaceChildren(...report.credits.map((c) => h('tr', {dataset: {chainId: c.chainId, amount: c.amount}},
      h('td', {class: 'mono', title: c.chainId}, shortId(c.chainId)), h('td', {}, c.buyerId || '—'), h('td', {}, dateTime(c.startedAt)),
      h('td', {}, dateTime(c.endedAt)), h('td', {class: 'num'}, hours(c.hours)), h('td', {class: 'num'}, eur(c.amount)))));
    $('usage-credits').hidden = report.credits.length === 0;
  }

  $('usage-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.sig = null;
    poll();
  });

  C.views.register({
    id: 'usage',
    show() {
      state.shown = true;
      poll();
    },
    hide() {
      state.shown = false;
      clearTimeout(state.timer);
    }
  });
})();
