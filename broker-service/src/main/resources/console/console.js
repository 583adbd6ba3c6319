/*
 * ChainMarket operator console: lists substitutions live (polling GET /api/v1/substitutions every second and
 * updating the table in place), shows one substitution's before/after, trigger telemetry and the chain's current
 * state, and approves, rolls back and acknowledges through the REST API. Plain DOM, no dependencies.
 */
(function () {
  'use strict';

  const API = '/api/v1';
  const POLL_MS = 1000;
  const PROVIDERS_MS = 30000;
  const REQUEST_TIMEOUT_MS = 5000;
  const NEW_HIGHLIGHT_MS = 4000;
  const LIMIT = 200;
  const FILTERS = ['provider', 'chain', 'trigger', 'status'];
  const STATUS_LABELS = {
    PROPOSED: 'proposed', APPLYING: 'applying', COMPLETED: 'completed', FAILED: 'failed',
    NO_ALTERNATIVE: 'no alternative', SUPERSEDED: 'superseded'
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    live: $('live-status'), form: $('filters'), rows: $('substitution-rows'), empty: $('empty'),
    detail: $('detail'), placeholder: $('detail-placeholder'), body: $('detail-body'),
    approve: $('action-approve'), rollback: $('action-rollback'), acknowledge: $('action-acknowledge'),
    message: $('action-message'), provider: $('filter-provider'), health: $('provider-health'),
    chainState: $('chain-state'), app: $('app'), login: $('login'), loginForm: $('login-form'),
    loginMessage: $('login-message'), session: $('session'), signedInAs: $('signed-in-as'), signOut: $('sign-out')
  };
  const TOKEN_KEY = 'chainmarket.token';
  const USER_KEY = 'chainmarket.user';

  const state = {
    rows: new Map(),        // substitutionId -> {tr, sig}
    seen: new Set(),        // every substitution id shown since the page loaded
    generation: 0,          // bumped on filter change; stale answers are dropped
    firstForGeneration: true,
    selectedId: null,
    selected: null,         // the selected substitution (latest known)
    detailSig: null,
    chainSig: null,
    timer: null,
    inFlight: false,
    polls: 0,
    busy: false             // an action is running
  };

  // ---------- small helpers ----------

  /** Creates an element: h('td', {class: 'x', dataset: {a: 'b'}}, 'text', child, …). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'dataset') Object.assign(node.dataset, v);
      else if (k === 'class') node.className = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    append(node, children);
    return node;
  }

  const pad = (n) => String(n).padStart(2, '0');

  function time(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function dateTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time(iso)}`;
  }

  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '—';
    if (digits !== undefined) return Number(v).toFixed(digits);
    const a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : String(Number(v.toFixed(3)));
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  function signed(v, digits, unit) {
    if (!Number.isFinite(v) || Math.abs(v) < Math.pow(10, -digits) / 2) return `±0 ${unit}`;
    return `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)} ${unit}`;
  }

  function shortId(id) {
    return id && id.length > 12 ? id.slice(0, 8) + '…' : (id || '—');
  }

  function badge(status) {
    return h('span', {class: `badge status-${(status || '').toLowerCase()}`, dataset: {status: status || ''}},
      STATUS_LABELS[status] || (status || '').toLowerCase());
  }

  function triggerProvider(s) {
    if (s.trigger && s.trigger.providerId) return s.trigger.providerId;
    const hops = (s.before && s.before.hops) || [];
    const changed = s.changedHops.map((i) => hops[i]).filter(Boolean).map((hop) => hop.providerId);
    return [...new Set(changed)].join(', ') || '—';
  }

  function changedHopsText(s) {
    if (!s.changedHops.length) return s.status === 'NO_ALTERNATIVE' ? 'none fits' : 'path only';
    const hops = (s.before && s.before.hops) || [];
    return s.changedHops.map((i) => `#${i + 1}${hops[i] ? ' ' + hops[i].vnfType : ''}`).join(', ');
  }

  /** fetch with a timeout; answers {ok, status, body} with body parsed as JSON when there is one. */
  async function request(method, path, body) {
    const init = {method, headers: {Accept: 'application/json, application/problem+json'}};
    const token = stored(TOKEN_KEY);
    if (token && path !== '/tokens') init.headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (typeof AbortSignal !== 'undefined' && AbortSignal.timeout) init.signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const r = await fetch(API + path, init);
    const text = await r.text();
    let parsed = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        parsed = {detail: text};
      }
    }
    if (r.status === 401 && path !== '/tokens') signedOut('Your session ended; sign in again.');
    return {ok: r.ok, status: r.status, body: parsed};
  }

  function problemText(r) {
    const b = r.body || {};
    const title = b.title || `HTTP ${r.status}`;
    const errors = Array.isArray(b.errors) ? ' ' + b.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : '';
    return b.detail ? `${title}: ${b.detail}${errors}` : title + errors;
  }

  /** The token and the operator's name are kept for the browser tab (sessionStorage) where the browser allows it. */
  function stored(key) {
    try {
      return sessionStorage.getItem(key);
    } catch (e) {
      return memory[key] || null;
    }
  }

  const memory = {};

  function store(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value);
    } catch (e) {
      memory[key] = value; // storage disabled: kept in the page only
    }
  }

  // ---------- signing in ----------

  function signedIn(username) {
    el.login.hidden = true;
    el.app.hidden = false;
    el.session.hidden = false;
    el.signedInAs.textContent = username;
    if (!state.started) {
      state.started = true;
      loadProviders();
      poll();
    } else {
      pollNow();
    }
  }

  function signedOut(why) {
    store(TOKEN_KEY, null);
    store(USER_KEY, null);
    clearTimeout(state.timer);
    state.timer = null;
    el.app.hidden = true;
    el.session.hidden = true;
    el.login.hidden = false;
    setLive('error', 'Signed out');
    el.loginMessage.hidden = !why;
    el.loginMessage.textContent = why || '';
    $('login-username').focus();
  }

  async function signIn(e) {
    e.preventDefault();
    const username = $('login-username').value.trim();
    const password = $('login-password').value;
    try {
      const r = await request('POST', '/tokens', {username, password});
      if (!r.ok) {
        signedOut(problemText(r));
        return;
      }
      if (r.body.role !== 'OPERATOR') {
        signedOut(`${username} is a ${String(r.body.role).toLowerCase()} account; the console is for operators.`);
        return;
      }
      store(TOKEN_KEY, r.body.access_token);
      store(USER_KEY, r.body.username);
      $('login-password').value = '';
      el.loginMessage.hidden = true;
      signedIn(r.body.username);
    } catch (err) {
      signedOut(`Cannot reach the broker (${err.message || err}).`);
    }
  }

  // ---------- filters and URL ----------

  function filters() {
    const out = {};
    for (const f of FILTERS) {
      const v = el.form.elements[f].value.trim();
      if (v) out[f] = v;
    }
    return out;
  }

  function syncUrl() {
    const q = new URLSearchParams(filters()).toString();
    const url = location.pathname + (q ? '?' + q : '') + (state.selectedId ? '#' + encodeURIComponent(state.selectedId) : '');
    history.replaceState(null, '', url);
  }

  function filtersChanged() {
    state.generation++;
    state.firstForGeneration = true;
    syncUrl();
    pollNow();
  }

  function restoreFromUrl() {
    const q = new URLSearchParams(location.search);
    for (const f of FILTERS) {
      const v = q.get(f);
      if (!v) continue;
      const field = el.form.elements[f];
      if (field.tagName === 'SELECT' && ![...field.options].some((o) => o.value === v)) {
        field.append(h('option', {value: v}, v));
      }
      field.value = v;
    }
    if (location.hash.length > 1) state.selectedId = decodeURIComponent(location.hash.slice(1));
  }

  // ---------- polling ----------

  function pollNow() {
    clearTimeout(state.timer);
    if (!stored(TOKEN_KEY)) return;
    state.timer = null;
    if (state.inFlight) {
      state.pollAgain = true;
      return;
    }
    poll();
  }

  async function poll() {
    state.inFlight = true;
    const generation = state.generation;
    const params = new URLSearchParams(Object.assign(filters(), {limit: String(LIMIT)}));
    try {
      const r = await request('GET', `/substitutions?${params}`);
      if (!r.ok) throw new Error(problemText(r));
      if (generation === state.generation) {
        renderRows(r.body, !state.firstForGeneration);
        state.firstForGeneration = false;
        state.polls++;
        document.body.dataset.polls = String(state.polls);
        setLive('live', `Live · ${r.body.length} shown · updated ${time(new Date().toISOString())}`);
      }
      await refreshDetail(r.body);
    } catch (e) {
      setLive('error', `Cannot reach the broker (${e.message || e}); retrying…`);
    } finally {
      state.inFlight = false;
      const again = state.pollAgain;
      state.pollAgain = false;
      if (stored(TOKEN_KEY)) state.timer = setTimeout(poll, again ? 0 : POLL_MS);
    }
  }

  function setLive(kind, text) {
    el.live.dataset.state = kind;
    if (el.live.textContent !== text) el.live.textContent = text;
  }

  async function loadProviders() {
    try {
      const r = await request('GET', '/providers');
      if (!r.ok) return;
      const current = el.provider.value;
      const wanted = r.body.map((p) => [p.providerId, p.name ? `${p.name} (${p.providerId})` : p.providerId])
        .sort((a, b) => a[0].localeCompare(b[0]));
      if (current && !wanted.some(([id]) => id === current)) wanted.push([current, current]);
      const have = [...el.provider.options].slice(1).map((o) => o.value + '\u0000' + o.textContent).join('\n');
      if (have !== wanted.map(([id, label]) => id + '\u0000' + label).join('\n')) {
        el.provider.replaceChildren(h('option', {value: ''}, 'all'), ...wanted.map(([id, label]) => h('option', {value: id}, label)));
        el.provider.value = current;
      }
      renderHealth(r.body);
    } catch (e) {
      // the list keeps what it had; the live status reports connection problems
    } finally {
      setTimeout(loadProviders, PROVIDERS_MS);
    }
  }

  /** Each provider's circuit: healthy (CLOSED), or OPEN / HALF_OPEN with why, since when and when it is tried again. */
  function renderHealth(providers) {
    const items = providers.slice().sort((a, b) => a.providerId.localeCompare(b.providerId)).map((p) => {
      const hl = p.health || {state: 'CLOSED'};
      const text = hl.state === 'CLOSED' ? `${p.providerId}: healthy`
        : `${p.providerId}: circuit ${hl.state.toLowerCase().replace('_', ' ')} since ${time(hl.since)}`
          + (hl.retryAt ? `, tried again ${time(hl.retryAt)}` : '') + (hl.reason ? ` (${hl.reason})` : '');
      return h('li', {'data-provider': p.providerId, 'data-state': hl.state, title: hl.reason || ''}, text);
    });
    el.health.replaceChildren(...items);
  }

  // ---------- the table ----------

  function rowSignature(s) {
    return [s.status, s.updatedAt, s.acknowledgedBy, s.triggerToActiveMs, s.changedHops.join(',')].join('|');
  }

  function renderRows(list, highlightNew) {
    const keep = new Set();
    let cursor = el.rows.firstElementChild;
    for (const s of list) {
      keep.add(s.substitutionId);
      let entry = state.rows.get(s.substitutionId);
      if (!entry) {
        entry = {tr: h('tr', {tabindex: '0', dataset: {substitutionId: s.substitutionId}}), sig: null};
        state.rows.set(s.substitutionId, entry);
        if (highlightNew && !state.seen.has(s.substitutionId)) flash(entry.tr);
      }
      state.seen.add(s.substitutionId);
      const sig = rowSignature(s);
      if (entry.sig !== sig) {
        fillRow(entry.tr, s);
        entry.sig = sig;
      }
      markCurrent(entry.tr, s.substitutionId === state.selectedId);
      if (entry.tr !== cursor) el.rows.insertBefore(entry.tr, cursor);
      else cursor = cursor.nextElementSibling;
    }
    for (const [id, entry] of state.rows) {
      if (!keep.has(id)) {
        entry.tr.remove();
        state.rows.delete(id);
      }
    }
    el.empty.hidden = list.length > 0;
  }

  /** The selected row is marked aria-current (valid on a plain table row, unlike aria-selected). */
  function markCurrent(tr, current) {
    if (current) tr.setAttribute('aria-current', 'true');
    else tr.removeAttribute('aria-current');
  }

  function flash(tr) {
    tr.classList.add('is-new');
    setTimeout(() => tr.classList.remove('is-new'), NEW_HIGHLIGHT_MS);
  }

  function fillRow(tr, s) {
    const t = s.trigger || {};
    Object.assign(tr.dataset, {
      chainId: s.chainId, status: s.status, triggerKind: t.kind || '', policy: s.policy || ''
    });
    const what = t.kind === 'OPERATOR' ? `roll-back of ${shortId(t.subjectId)}` : t.subjectId;
    const metric = t.metric ? `${t.metric} ${num(t.value)} / ${num(t.threshold)}` : null;
    tr.replaceChildren(
      h('td', {title: dateTime(s.triggeredAt)}, time(s.triggeredAt)),
      h('td', {class: 'mono', title: s.chainId}, shortId(s.chainId)),
      h('td', {}, h('span', {class: 'kind'}, (t.kind || '').toLowerCase()), ' ', h('span', {class: 'mono'}, what),
        metric ? h('div', {class: 'muted small'}, metric) : null),
      h('td', {}, triggerProvider(s)),
      h('td', {}, badge(s.status), h('div', {class: 'muted small'}, (s.policy || '').toLowerCase())),
      h('td', {}, changedHopsText(s)),
      h('td', {class: 'num'}, duration(s.triggerToActiveMs)),
      h('td', {title: s.acknowledgedAt ? dateTime(s.acknowledgedAt) : ''},
        s.acknowledgedBy ? h('span', {class: 'ack'}, '✓ ', s.acknowledgedBy) : h('span', {class: 'muted'}, '—'))
    );
  }

  function selectRow(id) {
    if (!id || id === state.selectedId) return;
    state.selectedId = id;
    state.selected = null;
    state.detailSig = null;
    state.chainSig = null;
    hideMessage();
    for (const [rowId, entry] of state.rows) markCurrent(entry.tr, rowId === id);
    syncUrl();
    pollNow();
  }

  // ---------- the detail pane ----------

  async function refreshDetail(list) {
    const id = state.selectedId;
    if (!id) return;
    let s = list.find((x) => x.substitutionId === id);
    if (!s) {
      const r = await request('GET', `/substitutions/${encodeURIComponent(id)}`);
      if (!r.ok) {
        showDetailMissing(id, problemText(r));
        return;
      }
      s = r.body;
    }
    if (id !== state.selectedId) return;
    state.selected = s;
    const sig = JSON.stringify(s);
    if (sig !== state.detailSig) {
      renderDetail(s);
      state.detailSig = sig;
    }
    const c = await request('GET', `/chains/${encodeURIComponent(s.chainId)}`);
    if (id !== state.selectedId) return;
    const chainSig = JSON.stringify([c.status, c.body]);
    if (chainSig !== state.chainSig) {
      renderChain(c, s);
      state.chainSig = chainSig;
    }
  }

  function showDetailMissing(id, why) {
    el.detail.dataset.substitutionId = '';
    el.body.hidden = true;
    el.placeholder.hidden = false;
    el.placeholder.textContent = `Substitution ${id} cannot be shown: ${why}`;
  }

  function renderDetail(s) {
    el.placeholder.hidden = true;
    el.body.hidden = false;
    el.detail.dataset.substitutionId = s.substitutionId;
    el.detail.dataset.status = s.status;
    $('detail-id').textContent = s.substitutionId;
    $('detail-status').replaceWith(Object.assign(badge(s.status), {id: 'detail-status'}));
    $('detail-policy').textContent = `${(s.policy || '').toLowerCase()} policy`;
    $('detail-chain').replaceChildren(chainLink(s.chainId));
    $('detail-buyer').textContent = s.buyerId || '—';
    $('detail-outcome').textContent = s.outcome || '—';
    $('detail-trigger-to-active').textContent = duration(s.triggerToActiveMs);
    $('detail-completed').textContent = dateTime(s.completedAt);
    $('detail-rollback-of').textContent = s.rollbackOf || '—';
    $('detail-acknowledged').textContent = s.acknowledgedBy ? `${s.acknowledgedBy} at ${dateTime(s.acknowledgedAt)}` : 'not yet';

    el.approve.hidden = s.status !== 'PROPOSED';
    el.rollback.hidden = s.status !== 'COMPLETED';
    for (const b of [el.approve, el.rollback, el.acknowledge]) b.disabled = state.busy;

    renderSide('before', s.before, null, s.changedHops);
    renderSide('after', s.after, s.before, s.changedHops);
    renderTrigger(s.trigger || {});
  }

  function chainLink(chainId) {
    const b = h('button', {type: 'button', class: 'link mono', title: 'Show only this chain\'s substitutions'}, chainId);
    b.addEventListener('click', () => {
      el.form.elements.chain.value = chainId;
      filtersChanged();
    });
    return b;
  }

  /** One side's hops, compact enough for half the pane: VNF over offer, provider over site. */
  function hopTable(chain, changed) {
    return h('table', {class: 'hops'},
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, '#'), h('th', {scope: 'col'}, 'VNF · offer'),
        h('th', {scope: 'col'}, 'Provider · site'))),
      h('tbody', {}, chain.hops.map((hop, i) => {
        const isChanged = changed.includes(i);
        return h('tr', {class: isChanged ? 'changed' : null, dataset: {hopIndex: String(i), offerId: hop.offerId, changed: String(isChanged)}},
          h('td', {}, String(i + 1), isChanged ? h('span', {class: 'visually-hidden'}, ' (changed)') : null),
          h('td', {}, h('div', {class: 'vnf'}, hop.vnfType), h('div', {class: 'mono offer'}, hop.offerId)),
          h('td', {}, h('div', {}, hop.providerId), h('div', {class: 'muted small'}, hop.siteId)));
      })));
  }

  function renderSide(side, chain, before, changed) {
    const body = document.querySelector(`#compare-${side} .side-body`);
    if (!chain) {
      body.replaceChildren(h('p', {class: 'empty'}, side === 'after' ? 'No substitute fits the chain\'s QoS and budget.' : '—'));
      return;
    }
    const latency = h('dd', {dataset: {metric: 'latency'}}, `${num(chain.latencyMs, 2)} ms`);
    const price = h('dd', {dataset: {metric: 'price'}}, `${num(chain.pricePerHour, 2)} €/h`);
    if (before) {
      latency.append(' ', h('span', {class: 'delta'}, `(${signed(chain.latencyMs - before.latencyMs, 2, 'ms')})`));
      price.append(' ', h('span', {class: 'delta'}, `(${signed(chain.pricePerHour - before.pricePerHour, 2, '€/h')})`));
    }
    const domains = [...new Set(chain.path.map((n) => n.providerId))];
    body.replaceChildren(
      hopTable(chain, changed),
      h('dl', {class: 'facts compact'},
        h('dt', {}, 'Predicted latency'), latency,
        h('dt', {}, 'Price'), price,
        h('dt', {}, 'Path'), h('dd', {class: 'small', title: chain.path.map((n) => n.switchId).join(' → ')},
          `${chain.path.length} switches across ${domains.join(', ')}`)));
  }

  function renderTrigger(t) {
    const facts = $('trigger-facts');
    const rows = [['Kind', (t.kind || '—').toLowerCase()],
      [t.kind === 'OPERATOR' ? 'Rolls back' : 'Subject', t.subjectId || '—'],
      ['Provider', t.providerId || '—']];
    if (t.metric) {
      rows.push(['Metric', t.metric], ['Value / threshold', `${num(t.value)} / ${num(t.threshold)}`]);
    }
    rows.push(['Down', t.fatal ? 'yes (the chain cannot stay)' : 'no'], ['At', dateTime(t.at)]);
    facts.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {class: k === 'Subject' ? 'mono' : null}, v)]));
    $('trigger-chart').replaceChildren(chart(t));
    $('trigger-chart-caption').textContent = t.recent && t.recent.length
      ? `${t.metric || 'value'}: last ${t.recent.length} samples; dashed line: threshold`
      : '';
  }

  /** A small inline SVG line chart of the trigger's recent values with its threshold. */
  function chart(t) {
    const points = (t.recent || []).map((p) => ({t: Date.parse(p.at), v: p.value})).filter((p) => Number.isFinite(p.v));
    if (!points.length) return h('p', {class: 'empty'}, t.kind === 'OPERATOR' ? 'An operator\'s roll-back: no telemetry.' : 'No telemetry came with this trigger.');
    const W = 380, H = 150, L = 48, R = 12, T = 12, B = 26;
    const values = points.map((p) => p.v).concat(Number.isFinite(t.threshold) ? [t.threshold] : []);
    const vmin = Math.min(...points.map((p) => p.v)), vmax = Math.max(...points.map((p) => p.v));
    let lo = Math.min(...values), hi = Math.max(...values);
    const span = hi - lo || Math.abs(hi) || 1;
    lo -= span * 0.15;
    hi += span * 0.15;
    let t0 = Math.min(...points.map((p) => p.t)), t1 = Math.max(...points.map((p) => p.t));
    if (t1 === t0) {
      t0 -= 1000;
      t1 += 1000;
    }
    const x = (ts) => L + (ts - t0) / (t1 - t0) * (W - L - R);
    const y = (v) => T + (hi - v) / (hi - lo) * (H - T - B);
    const last = points[points.length - 1];
    const label = `${t.metric || 'value'} over ${points.length} samples from ${time(new Date(t0).toISOString())} to `
      + `${time(new Date(t1).toISOString())}; last ${num(last.v)}` + (Number.isFinite(t.threshold) ? `, threshold ${num(t.threshold)}` : '');
    const g = svg('svg', {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label, class: 'spark', id: 'trigger-chart-svg'},
      svg('title', {}, label),
      svg('rect', {x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot'}),
      svg('text', {x: L - 6, y: y(vmax) + 4, class: 'axis', 'text-anchor': 'end'}, num(vmax)),
      svg('text', {x: L - 6, y: y(vmin) + 4, class: 'axis', 'text-anchor': 'end'}, num(vmin)),
      svg('text', {x: L, y: H - 8, class: 'axis', 'text-anchor': 'start'}, time(new Date(t0).toISOString())),
      svg('text', {x: W - R, y: H - 8, class: 'axis', 'text-anchor': 'end'}, time(new Date(t1).toISOString())));
    if (Number.isFinite(t.threshold)) {
      // The label goes at the end where the series is farther from the threshold, above or below the line.
      const first = points[0].v, atStart = Math.abs(first - t.threshold) >= Math.abs(last.v - t.threshold);
      const near = atStart ? first : last.v;
      const ty = y(t.threshold) + (near < t.threshold ? -5 : 12);
      g.append(svg('line', {x1: L, x2: W - R, y1: y(t.threshold), y2: y(t.threshold), class: 'threshold', 'data-threshold': t.threshold}),
        svg('text', {x: atStart ? L + 5 : W - R - 5, y: ty, class: 'axis threshold-label', 'text-anchor': atStart ? 'start' : 'end'},
          `threshold ${num(t.threshold)}`));
    }
    g.append(svg('polyline', {points: points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '), class: 'series'}));
    for (const p of points) {
      const over = Number.isFinite(t.threshold) && p.v > t.threshold;
      g.append(svg('circle', {cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: p === last ? 4 : 2.5, class: over ? 'point over' : 'point'},
        svg('title', {}, `${time(new Date(p.t).toISOString())}: ${num(p.v)}`)));
    }
    return g;
  }

  function renderChain(r, s) {
    el.chainState.dataset.chainState = r.ok ? r.body.state : '';
    if (!r.ok) {
      el.chainState.replaceChildren(h('p', {class: 'message error'}, problemText(r)));
      return;
    }
    const c = r.body;
    const afterOffers = new Set(((s.after && s.after.hops) || []).map((hop) => hop.offerId));
    const domains = (c.domains || []).map((d) => h('li', {dataset: {provider: d.providerId, status: d.status}},
      h('span', {class: 'mono'}, d.providerId), ' ', h('span', {class: 'muted'}, (d.status || '').toLowerCase()),
      d.reason ? h('span', {class: 'muted'}, ` — ${d.reason}`) : null));
    el.chainState.replaceChildren(
      h('p', {}, Object.assign(badge(c.state), {id: 'chain-state-value'}), ' ', h('span', {class: 'mono'}, c.chainId),
        c.reason ? h('span', {class: 'muted'}, ` — ${c.reason}`) : null),
      h('table', {class: 'hops', id: 'chain-hops'},
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, '#'), h('th', {scope: 'col'}, 'VNF'), h('th', {scope: 'col'}, 'Offer'),
          h('th', {scope: 'col'}, 'Provider'), h('th', {scope: 'col'}, 'Site'))),
        h('tbody', {}, (c.hops || []).map((hop, i) => h('tr', {dataset: {hopIndex: String(i), offerId: hop.offerId},
            class: afterOffers.has(hop.offerId) && s.changedHops.includes(i) ? 'changed' : null},
          h('td', {}, String(i + 1)), h('td', {}, hop.vnfType), h('td', {class: 'mono'}, hop.offerId),
          h('td', {}, hop.providerId), h('td', {}, hop.siteId))))),
      h('dl', {class: 'facts compact'},
        h('dt', {}, 'Predicted latency'), h('dd', {}, `${num(c.predictedLatencyMs, 2)} ms`),
        h('dt', {}, 'Price'), h('dd', {}, `${num(c.pricePerHour, 2)} €/h`),
        h('dt', {}, 'Substitution'), h('dd', {class: 'mono'}, c.substitutionId || '—'),
        h('dt', {}, 'Updated'), h('dd', {}, dateTime(c.updatedAt)),
        h('dt', {}, 'Domains'), h('dd', {}, domains.length ? h('ul', {class: 'plain'}, domains) : '—')));
  }

  // ---------- actions ----------

  function showMessage(kind, text) {
    el.message.hidden = false;
    el.message.className = `message ${kind}`;
    el.message.dataset.kind = kind;
    el.message.textContent = text;
  }

  function hideMessage() {
    el.message.hidden = true;
    el.message.textContent = '';
    el.message.dataset.kind = '';
  }

  async function act(action) {
    const s = state.selected;
    if (!s || state.busy) return;
    const verb = {approve: 'Approving', rollback: 'Rolling back', acknowledge: 'Acknowledging'}[action];
    state.busy = true;
    for (const b of [el.approve, el.rollback, el.acknowledge]) b.disabled = true;
    showMessage('pending', `${verb} ${s.substitutionId}…`);
    try {
      // The acting operator is the signed-in account: the broker takes it from the token.
      const r = await request('POST', `/substitutions/${encodeURIComponent(s.substitutionId)}/${action}`);
      if (!r.ok) {
        showMessage('error', `${verb} failed — ${problemText(r)}`);
      } else if (action === 'approve') {
        showMessage('ok', `Approved: the substitution is ${(r.body.status || '').toLowerCase()}.`);
      } else if (action === 'rollback') {
        showMessage('ok', `Roll-back started as substitution ${r.body.substitutionId} (${(r.body.status || '').toLowerCase()}).`);
      } else {
        showMessage('ok', `Acknowledged by ${r.body.acknowledgedBy}.`);
      }
    } catch (e) {
      showMessage('error', `${verb} failed — ${e.message || e}`);
    } finally {
      state.busy = false;
      for (const b of [el.approve, el.rollback, el.acknowledge]) b.disabled = false;
      state.detailSig = null;
      pollNow();
    }
  }

  // ---------- wiring ----------

  el.rows.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-substitution-id]');
    if (tr) selectRow(tr.dataset.substitutionId);
  });
  el.rows.addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr[data-substitution-id]');
    if (!tr) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      selectRow(tr.dataset.substitutionId);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling;
      if (next) next.focus();
    }
  });
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    filtersChanged();
  });
  el.form.addEventListener('change', filtersChanged);
  let typing = null;
  el.form.elements.chain.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(filtersChanged, 300);
  });
  el.form.addEventListener('reset', () => setTimeout(filtersChanged, 0));
  el.approve.addEventListener('click', () => act('approve'));
  el.rollback.addEventListener('click', () => act('rollback'));
  el.acknowledge.addEventListener('click', () => act('acknowledge'));
  el.loginForm.addEventListener('submit', signIn);
  el.signOut.addEventListener('click', () => signedOut(''));

  // the views in their own files (views.js registers them) build on these helpers
  window.ChainMarketConsole = {request, problemText, h, time, dateTime, num, shortId, badge};

  restoreFromUrl();
  if (stored(TOKEN_KEY)) signedIn(stored(USER_KEY) || ''); else signedOut('');
})();
