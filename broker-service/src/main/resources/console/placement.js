/*
 * ChainMarket operator console, placement view: the placement service's last plans (GET /api/v1/placement/plans,
 * through the broker, every 5 s while the view is shown), each decision with its action, provider, VNF type, site,
 * cost and reason, every demand left unserved with why, and an Approve button for decisions waiting for approval
 * (POST /api/v1/placement/decisions/{id}/approve), on the newest plan that carries the decision.
 */
(function () {
  'use strict';

  const C = window.ChainMarketConsole;
  const {h, request, problemText} = C;
  const POLL_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const state = {shown: false, timer: null, inFlight: false, again: false, sig: null};

  function message(kind, text) {
    const m = $('placement-message');
    m.className = 'message ' + kind;
    m.textContent = text;
    m.hidden = !text;
  }

  function money(v) {
    return (v >= 0 ? '+' : '') + Number(v).toFixed(2) + ' EUR/h';
  }

  function render(data) {
    const sig = JSON.stringify(data);
    if (sig === state.sig) return;
    state.sig = sig;
    const awaiting = new Set(data.awaiting || []);
    const box = $('placement-plans');
    box.replaceChildren();
    if (!data.plans || !data.plans.length) {
      box.append(h('p', {class: 'empty'}, 'No placement plan yet.'));
      return;
    }
    // a decision waiting is carried by every newer plan that proposes it again: its button is on the newest one's row
    const shown = new Set();
    const approval = (d) => {
      if (awaiting.has(d.decisionId) && !shown.has(d.decisionId)) {
        shown.add(d.decisionId);
        return h('button', {type: 'button', dataset: {decisionId: d.decisionId}}, 'Approve');
      }
      return h('span', {class: 'muted'}, d.approval === 'AUTOMATIC' ? 'automatic'
        : awaiting.has(d.decisionId) ? 'waiting (see the newer plan)' : 'approved or superseded');
    };
    for (const p of data.plans) {
      const rows = p.decisions.map((d) => h('tr', {dataset: {decisionId: d.decisionId}},
        h('td', {class: 'action-' + d.action}, d.action),
        h('td', {}, d.providerId),
        h('td', {}, d.vnfType),
        h('td', {}, d.fromSiteId ? `${d.fromSiteId} → ${d.siteId}` : d.siteId),
        h('td', {class: 'num'}, money(d.costPerHour)),
        h('td', {class: 'reason'}, d.reason),
        h('td', {}, approval(d))));
      const plan = h('div', {class: 'plan', dataset: {planId: p.planId}},
        h('div', {class: 'plan-head'},
          h('strong', {class: 'mono'}, p.planId),
          h('span', {}, new Date(p.at).toLocaleString()),
          h('span', {class: 'muted'}, `trigger ${p.trigger.toLowerCase().replace(/_/g, ' ')}`),
          h('span', {class: 'muted'}, `objective ${Number(p.objective).toFixed(2)} EUR/h`)),
        rows.length ? h('table', {class: 'decisions'},
          h('thead', {}, h('tr', {}, ['Action', 'Provider', 'VNF', 'Site', 'Cost', 'Reason', 'Approval'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, rows)) : h('p', {class: 'empty'}, 'No change.'),
        p.unserved.length ? h('ul', {class: 'unserved'}, p.unserved.map((u) =>
          h('li', {}, `${u.vnfType} at ${u.switchId}: ${Number(u.bandwidthMbps).toFixed(0)} Mbit/s unserved (${u.constraint}) — ${u.reason}`))) : null);
      box.append(plan);
    }
  }

  async function poll() {
    clearTimeout(state.timer);
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    if (C.views.active('placement')) {
      try {
        const r = await request('GET', '/placement/plans');
        if (r.ok) {
          render(r.body);
        } else if (r.status !== 401) {
          state.sig = null;
          $('placement-plans').replaceChildren(h('p', {class: 'empty'}, problemText(r)));
        }
      } catch (e) {
        message('error', `Cannot read placement plans (${e.message || e}).`);
      }
    }
    state.inFlight = false;
    const again = state.again;
    state.again = false;
    if (state.shown) state.timer = setTimeout(poll, again ? 0 : POLL_MS);
  }

  async function approve(decisionId, button) {
    button.disabled = true;
    message('pending', `Approving ${decisionId}…`);
    try {
      const r = await request('POST', `/placement/decisions/${encodeURIComponent(decisionId)}/approve`);
      if (r.ok) {
        message('ok', `Approved ${decisionId}: its commands are sent to the provider's domain.`);
      } else {
        message('error', `Approving failed — ${problemText(r)}`);
      }
    } catch (e) {
      message('error', `Approving failed — ${e.message || e}`);
    } finally {
      state.sig = null;
      poll();
    }
  }

  $('placement').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-decision-id]');
    if (b) approve(b.dataset.decisionId, b);
  });

  C.views.register({
    id: 'placement',
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
