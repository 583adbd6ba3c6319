/*
 * ChainMarket operator console: the tabs that show one view at a time (substitutions, chains, usage, placement). A
 * view in its own file registers itself with ChainMarketConsole.views.register({id, show, hide}); show() is called
 * when its tab is chosen, hide() when another is. The substitutions view is console.js's own and always runs.
 */
(function () {
  'use strict';

  const views = new Map();
  let current = 'substitutions';

  function choose(id) {
    if (id === current) return;
    const before = views.get(current);
    if (before) before.hide();
    current = id;
    for (const tab of document.querySelectorAll('#views [data-view]')) {
      const on = tab.dataset.view === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const panel of document.querySelectorAll('[data-view-panel]')) panel.hidden = panel.dataset.viewPanel !== id;
    document.body.dataset.view = id;
    const after = views.get(id);
    if (after) after.show();
  }

  document.getElementById('views').addEventListener('click', (e) => {
    const tab = e.target.closest('[data-view]');
    if (tab) choose(tab.dataset.view);
  });
  document.getElementById('views').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const tabs = [...document.querySelectorAll('#views [data-view]')];
    const i = tabs.findIndex((t) => t.dataset.view === current);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    choose(next.dataset.view);
    next.focus();
  });
  document.body.dataset.view = current;

  window.ChainMarketConsole.views = {
    register(view) {
      views.set(view.id, view);
    },
    /** Whether someone is signed in and the view is the one shown (views poll only then). */
    active(id) {
      return current === id && !document.getElementById('app').hidden;
    }
  };
})();
