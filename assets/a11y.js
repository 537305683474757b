/*
 * Names and roles Dash 4's own components leave wrong, repaired in the page (WCAG 2.2 AA, checked by axe-core
 * in the browser tests).  Dash 4.4 renders
 *   - dcc.Checklist / dcc.RadioItems as role="listbox" with no name, each option a <label role="option">
 *     wrapping a real checkbox or radio (axe: aria-input-field-name, nested-interactive): the native inputs
 *     already say what they are, so the wrapper becomes a named group (radiogroup) and the labels plain labels;
 *   - dcc.Dropdown's keyboard focus target as an <input aria-hidden="true" tabindex="0"> (axe:
 *     aria-hidden-focus): it is what a keyboard reader lands on, so it is shown to screen readers and named
 *     by the control's label and the current value;
 *   - dcc.RangeSlider's two number boxes with no label (axe: label): named from the control's
 *     data-from-label / data-to-label, which the server writes in the reader's language.
 * Every control is a components.control(): a .control with a .control-label.  Idempotent, so the observer's
 * own changes settle after one pass.
 */
(function () {
    "use strict";

    function controlOf(el) { return el.closest(".control"); }

    function labelId(el) {
        var control = controlOf(el);
        var label = control && control.querySelector(".control-label");
        return label && label.id ? label.id : null;
    }

    function set(el, name, value) {
        if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
    }

    function unset(el, name) {
        if (el.hasAttribute(name)) { el.removeAttribute(name); }
    }

    function repair(root) {
        root.querySelectorAll(".dash-options-list").forEach(function (list) {
            set(list, "role", list.querySelector("input[type=radio]") ? "radiogroup" : "group");
            var id = labelId(list);
            if (id) { set(list, "aria-labelledby", id); }
        });
        root.querySelectorAll(".dash-options-list-option").forEach(function (option) {
            unset(option, "role");
            unset(option, "aria-selected");
        });
        root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (target) {
            unset(target, "aria-hidden");
            var button = target.parentElement && target.parentElement.querySelector("button.dash-dropdown");
            var ids = [labelId(target), button && button.id ? button.id + "-value" : null].filter(function (x) {
                return x && document.getElementById(x);
            });
            if (ids.length) { set(target, "aria-labelledby", ids.join(" ")); }
        });
        // The open dropdown's popover is a role="dialog" portalled to the end of <body>, with no name (axe:
        // aria-dialog-name): it is named by the control whose button opened it (aria-controls).
        root.querySelectorAll("[role=dialog]:not([aria-label]):not([aria-labelledby])").forEach(function (dialog) {
            var opener = dialog.id && document.querySelector('[aria-controls="' + CSS.escape(dialog.id) + '"]');
            var id = opener && labelId(opener);
            if (id) { set(dialog, "aria-labelledby", id); }
        });
        root.querySelectorAll(".dash-range-slider-min-input, .dash-range-slider-max-input").forEach(function (box) {
            var control = controlOf(box);
            if (!control) { return; }
            var text = box.classList.contains("dash-range-slider-min-input") ? control.dataset.fromLabel
                : control.dataset.toLabel;
            if (text) { set(box, "aria-label", text); }
        });
    }

    var queued = false;

    function schedule() {
        if (queued) { return; }
        queued = true;
        window.requestAnimationFrame(function () { queued = false; repair(document); });
    }

    function start() {
        repair(document);
        new MutationObserver(schedule).observe(document.body, {
            subtree: true, childList: true, attributes: true,
            attributeFilter: ["role", "aria-selected", "aria-hidden", "class", "aria-labelledby"],
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
