/*
 * ChainMarket operator console, chains view: every chain, newest first (GET /api/v1/chains), with its state, buyer,
 * hops and SLA status (GET /api/v1/sla: over its latency bound now, was, or kept), polled every 2 s while the view is
 * shown; a chain's details beside the list (GET /api/v1/chains/{id} and its SLA record, GET /api/v1/chains/{id}/sla).
 */
(function () {
  'use strict';

  const C = window.ChainMarketConsole;
  const {h, request, problemText, dateTime, time, num, shortId, badge} = C;
  const POLL_MS = 2000;
  const LIMIT = 200;
  const $ = (id) => document.getElementById(id);
  const state = {shown: false, timer: null, selected: null, listSig: null, detailSig: null, polls: 0};

  /** A chain's SLA status from its brief record: over its bound now, over it before, or kept. */
  function sla(summary) {
    if (!summary) return {kind: 'kept', text: 'kept'};
    const seconds = `${num(summary.violatedSeconds, 0)} s over in ${summary.violations} period${summary.violations === 1 ? '' : 's'}`;
    return summary.inViolation ? {kind: 'violated', text: `over the bound now · ${seconds}`} : {kind: 'was', text: seconds};
  }

  function hopsText(hops) {
    return (hops || []).map((hop) => `${hop.vnfType} @ ${hop.providerId}`).join(' → ') || '—';
  }

  async function poll() {
    clearTimeout(state.timer);
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    if (C.views.active('chains')) {
      try {
        const params = new URLSearchParams({limit: String(LIMIT)});
        if ($('chains-state').value) params.set('state', $('chains-state').value);
        const [chains, slas] = await Promise.all([request('GET', `/chains?${params}`), request('GET', '/sla?limit=1000')]);
        if (!chains.ok) throw new Error(problemText(chains));
        if (!slas.ok) throw new Error(problemText(slas));
        const buyer = $('chains-buyer').value.trim();
        const list = chains.body.filter((c) => !buyer || c.buyerId === buyer);
        renderList(list, new Map(slas.body.map((s) => [s.chainId, s])));
        if (state.selected) await refreshDetail();
        state.polls++;
        document.body.dataset.chainPolls = String(state.polls);
        $('chains-status').textContent = `${list.length} chain${list.length === 1 ? '' : 's'} · updated ${time(new Date().toISOString())}`;
        $('chains-status').dataset.state = 'live';
      } catch (e) {
        $('chains-status').textContent = `Cannot load the chains (${e.message || e}); retrying…`;
        $('chains-status').dataset.state = 'error';
      }
    }
    state.inFlight = false;
    const again = state.again;
    state.again = false;
    if (state.shown) state.timer = setTimeout(poll, again ? 0 : POLL_MS);
  }

  function renderList(list, slas) {
    const sig = JSON.stringify([list.map((c) => [c.chainId, c.state, c.hops, c.updatedAt]), [...slas.values()], state.selected]);
    if (sig === state.listSig) return;
    state.listSig = sig;
    $('chain-rows').replaceChildren(...list.map((c) => {
      const s = sla(slas.get(c.chainId));
      const tr = h('tr', {tabindex: '0', dataset: {chainId: c.chainId, state: c.state, sla: s.kind, buyer: c.buyerId},
          'aria-current': c.chainId === state.selected ? 'true' : null},
        h('td', {}, dateTime(c.createdAt)),
        h('td', {class: 'mono', title: c.chainId}, shortId(c.chainId)),
        h('td', {}, c.buyerId),
        h('td', {}, badge(c.state)),
        h('td', {class: 'small'}, hopsText(c.hops)),
        h('td', {class: 'num'}, `${num(c.predictedLatencyMs, 1)} / ${num(c.order && c.order.maxLatencyMs, 0)} ms`),
        h('td', {class: 'num'}, c.pricePerHour === null || c.pricePerHour === undefined ? '—' : `${num(c.pricePerHour, 2)} €/h`),
        h('td', {}, h('span', {class: `sla sla-${s.kind}`}, s.text)));
      return tr;
    }));
    $('chains-empty').hidden = list.length > 0;
  }

  async function select(chainId) {
    state.selected = chainId;
    state.detailSig = null;
    state.listSig = null;
    for (const tr of $('chain-rows').children) tr.setAttribute('aria-current', String(tr.dataset.chainId === chainId));
    await refreshDetail();
  }

  async function refreshDetail() {
    const id = state.selected;
    const [chain, record] = await Promise.all([request('GET', `/chains/${encodeURIComponent(id)}`),
      request('GET', `/chains/${encodeURIComponent(id)}/sla`)]);
    if (id !== state.selected) return;
    if (!chain.ok) {
      $('chain-detail-body').replaceChildren(h('p', {class: 'message error'}, problemText(chain)));
      return;
    }
    const sig = JSON.stringify([chain.body, record.ok ? record.body : null]);
    if (sig === state.detailSig) return;
    state.detailSig = sig;
    renderDetail(chain.body, record.ok ? record.body : null);
  }

  function renderDetail(c, r) {
    const detail = $('chain-detail');
    detail.dataset.chainId = c.chainId;
    detail.dataset.state = c.state;
    $('chain-detail-placeholder').hidden = true;
    const order = c.order || {};
    $('chain-detail-body').replaceChildren(
      h('div', {class: 'mono'}, c.chainId),
      h('dl', {class: 'facts'},
        h('dt', {}, 'State'), h('dd', {}, badge(c.state), c.reason ? ` ${c.reason}` : ''),
        h('dt', {}, 'Buyer'), h('dd', {id: 'chain-detail-buyer'}, c.buyerId),
        h('dt', {}, 'Ordered'), h('dd', {}, `${order.ingress} → ${order.egress}, ${num(order.bandwidthMbps)} Mbit/s, ≤ ${num(order.maxLatencyMs)} ms, `
          + `≤ ${num(order.maxPricePerHour, 2)} €/h`),
        h('dt', {}, 'Predicted'), h('dd', {}, `${num(c.predictedLatencyMs, 2)} ms, ${c.pricePerHour === null || c.pricePerHour === undefined ? '—' : num(c.pricePerHour, 2) + ' €/h'}`),
        h('dt', {}, 'Created · active'), h('dd', {}, `${dateTime(c.createdAt)} · ${dateTime(c.activatedAt)}`),
        c.substitutionId ? [h('dt', {}, 'Substitution'), h('dd', {class: 'mono'}, c.substitutionId)] : null),
      h('h3', {}, 'Hops'),
      h('table', {class: 'hops', id: 'chain-detail-hops'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, '#'), h('th', {scope: 'col'}, 'VNF · offer'), h('th', {scope: 'col'}, 'Provider · site'),
          h('th', {scope: 'col', class: 'num'}, 'Price'))),
        h('tbody', {}, (c.hops || []).map((hop, i) => h('tr', {dataset: {hopIndex: String(i), offerId: hop.offerId, providerId: hop.providerId}},
          h('td', {}, String(i + 1)),
          h('td', {}, h('div', {class: 'vnf'}, hop.vnfType), h('div', {class: 'mono offer'}, hop.offerId)),
          h('td', {}, h('div', {}, hop.providerId), h('div', {class: 'muted small'}, hop.siteId)),
          h('td', {class: 'num'}, `${num(hop.pricePerHour, 2)} €/h`))))),
      h('h3', {}, 'Domains'),
      h('ul', {class: 'plain', id: 'chain-detail-domains'}, (c.domains || []).map((d) => h('li', {dataset: {providerId: d.providerId, status: d.status}},
        `${d.providerId}: ${String(d.status).toLowerCase()}`, d.flowState ? `, flow entries ${String(d.flowState).toLowerCase()}` : '',
        d.reason ? ` (${d.reason})` : ''))),
      h('h3', {}, 'SLA'),
      slaRecord(r));
  }

  function slaRecord(r) {
    if (!r) return h('p', {class: 'empty'}, 'No SLA record.');
    const periods = r.violations || [];
    return h('div', {id: 'chain-detail-sla', dataset: {inViolation: String(r.inViolation), violations: String(periods.length)}},
      h('dl', {class: 'facts compact'},
        h('dt', {}, 'Latency bound'), h('dd', {}, `${num(r.boundMs, 1)} ms`),
        h('dt', {}, 'Measured now'), h('dd', {id: 'chain-detail-measured'}, r.measuredLatencyMs === null || r.measuredLatencyMs === undefined
          ? '— (not running)' : `${num(r.measuredLatencyMs, 2)} ms${r.worstPart ? ', most from ' + r.worstPart : ''}`),
        h('dt', {}, 'Status'), h('dd', {}, h('span', {class: `sla sla-${r.inViolation ? 'violated' : periods.length ? 'was' : 'kept'}`},
          r.inViolation ? 'over the bound now' : periods.length ? 'within the bound now' : 'kept')),
        h('dt', {}, 'Over the bound'), h('dd', {}, `${num(r.violatedSeconds, 1)} s in ${periods.length} period${periods.length === 1 ? '' : 's'}`)),
      periods.length ? h('table', {class: 'hops', id: 'chain-sla-periods'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'From'), h('th', {scope: 'col'}, 'To'), h('th', {scope: 'col', class: 'num'}, 'Seconds'),
          h('th', {scope: 'col', class: 'num'}, 'Worst'), h('th', {scope: 'col'}, 'Worst part'))),
        h('tbody', {}, periods.map((p) => h('tr', {},
          h('td', {}, dateTime(p.startedAt)), h('td', {}, p.endedAt ? dateTime(p.endedAt) : 'ongoing'),
          h('td', {class: 'num'}, num(p.durationSeconds, 1)), h('td', {class: 'num'}, `${num(p.worstLatencyMs, 1)} ms`),
          h('td', {class: 'small'}, p.worstPart || '—'))))) : null);
  }

  $('chain-rows').addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-chain-id]');
    if (tr) select(tr.dataset.chainId);
  });
  $('chain-rows').addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr[data-chain-id]');
    if (tr && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      select(tr.dataset.chainId);
    }
  });
  $('chains-filters').addEventListener('submit', (e) => e.preventDefault());
  $('chains-filters').addEventListener('change', () => {
    state.listSig = null;
    poll();
  });
  $('chains-buyer').addEventListener('input', () => {
    state.listSig = null;
    clearTimeout(state.typing);
    state.typing = setTimeout(poll, 300);
  });

  C.views.register({
    id: 'chains',
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
