/* idpckit apps and lessons: give ipywidgets' choice controls the roles and keys of a radio group.
   Loaded once per page by idpckit.widgets._base.style_widget (run by an Output widget, the kit's one way
   of running script in a Voila or JupyterLab page).  Why: ipywidgets draws ToggleButtons as plain buttons
   (a screen reader cannot tell which is selected) and RadioButtons as radios without a shared name (each
   one its own tab stop, no arrow keys).  Here, inside .idpc-app only:
   - every ToggleButtons group becomes role="radiogroup", named by its description, each button
     role="radio" with aria-checked, one tab stop (the checked one), arrow keys, Home and End moving the
     choice as in a native radio group (WAI-ARIA Authoring Practices, "Radio Group");
   - every RadioButtons group gets role="radiogroup", its name, and a shared name attribute for its
     inputs, so the browser gives it one tab stop and arrow keys.
   It also drops the file count from upload buttons and puts tables' scroll boxes in the Tab order.
   The kernel's model still holds the value: a key press clicks the button, which the widget sends on. */
(function () {
  if (window.idpcControls) { window.idpcControls.scan(); return; }
  var serial = 0, pending = false;

  function nameGroup(group, box) {
    var label = box.querySelector(':scope > .widget-label');
    if (!label || !(label.textContent || '').trim() || label.style.display === 'none') return;
    if (!label.id) label.id = 'idpc-group-label-' + (++serial);
    if (group.getAttribute('aria-labelledby') !== label.id) group.setAttribute('aria-labelledby', label.id);
  }

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function toggles(box) {
    var buttons = [].slice.call(box.querySelectorAll('button.widget-toggle-button'));
    if (!buttons.length) return;
    var group = buttons[0].parentElement;
    set(group, 'role', 'radiogroup');
    nameGroup(group, box);
    var checked = buttons.filter(function (b) { return b.classList.contains('mod-active'); })[0];
    var stop = checked || buttons[0];
    buttons.forEach(function (b) {
      set(b, 'role', 'radio');
      set(b, 'aria-checked', b === checked ? 'true' : 'false');
      set(b, 'tabindex', b === stop ? '0' : '-1');
    });
    if (group.dataset.idpcKeys) return;
    group.dataset.idpcKeys = '1';
    group.addEventListener('keydown', function (ev) {
      var step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[ev.key];
      var items = [].slice.call(group.querySelectorAll('button.widget-toggle-button')).filter(function (b) {
        return !b.disabled;
      });
      var i = items.indexOf(document.activeElement);
      if (i < 0 || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var j = ev.key === 'Home' ? 0 : ev.key === 'End' ? items.length - 1 :
        step ? (i + step + items.length) % items.length : -1;
      if (j < 0) return;
      ev.preventDefault();
      items.forEach(function (b) { b.setAttribute('tabindex', b === items[j] ? '0' : '-1'); });
      items[j].focus();
      if (!items[j].classList.contains('mod-active')) items[j].click();
    });
  }

  function radios(box) {
    var group = box.querySelector('.widget-radio-box');
    if (!group) return;
    set(group, 'role', 'radiogroup');
    nameGroup(group, box);
    if (!group.dataset.idpcName) group.dataset.idpcName = 'idpc-radio-' + (++serial);
    group.querySelectorAll('input[type="radio"]').forEach(function (input) {
      set(input, 'name', group.dataset.idpcName);
    });
  }

  /* An upload button reads "Upload earlier review (JSON) (0)": the count of files it holds, which the app
     empties as soon as it has read one, so the count says nothing to a trainee. */
  function uploads(button) {
    button.childNodes.forEach(function (node) {
      if (node.nodeType === 3 && / \(\d+\)$/.test(node.data)) node.data = node.data.replace(/ \(\d+\)$/, '');
    });
  }

  /* A table's scroll box (.idpc-scroll: the explorer, the plan, the summary, the dashboard) scrolls on a
     phone, and a box that scrolls is reached with the keyboard only if it takes focus: each becomes a
     region in the Tab order, named by its table's caption (or its column headings), as lessons.scroll_region
     does for the lessons' tables. */
  function regions(box) {
    if (box.hasAttribute('tabindex')) return;
    var caption = box.querySelector('caption');
    var name = caption ? caption.textContent : [].map.call(box.querySelectorAll('thead th'), function (th) {
      return th.textContent.trim();
    }).filter(Boolean).join(', ');
    set(box, 'role', 'region');
    set(box, 'tabindex', '0');
    if ((name || '').trim() && !box.hasAttribute('aria-label')) set(box, 'aria-label', name.trim());
  }

  function scan() {
    pending = false;
    document.querySelectorAll('.idpc-app .widget-toggle-buttons').forEach(toggles);
    document.querySelectorAll('.idpc-app .widget-radio').forEach(radios);
    document.querySelectorAll('.idpc-app .widget-upload').forEach(uploads);
    document.querySelectorAll('.idpc-app .idpc-scroll').forEach(regions);
  }

  function later() {
    if (pending) return;
    pending = true;
    setTimeout(scan, 0);
  }

  window.idpcControls = {scan: scan};
  new MutationObserver(later).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style']
  });
  scan();
})();
