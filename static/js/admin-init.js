// Wagtail 7.4 starts date pickers, choosers and inline panels with small inline <script>
// elements, which the admin's Content Security Policy (script-src 'self') blocks. Our
// overrides (templates/wagtailadmin/panels/, home/templates/wagtailadmin/widgets/,
// home/admin_scripts.py) leave an empty, hidden marker instead, and this file makes the same
// call: for the page as loaded and for markers added later (a new inline form, a modal).
(function () {
    "use strict";
    var SELECTOR = "[data-admin-init]";
    // Only these Wagtail globals may be called from a marker.
    var CALLS = ["initDateChooser", "initDateTimeChooser", "initTimeChooser", "createTaskChooser"];
    var CONSTRUCTORS = /^(InlinePanel|MultipleChooserPanel|[A-Za-z]*Chooser)$/;

    function start(marker) {
        if (marker.hasAttribute("data-admin-init-done")) { return; }
        var name = marker.getAttribute("data-admin-init");
        var construct = marker.hasAttribute("data-admin-init-new") || /Panel$/.test(name);
        var allowed = construct ? CONSTRUCTORS.test(name) : CALLS.indexOf(name) !== -1;
        var fn = window[name];
        if (!allowed || typeof fn !== "function") { return; }
        marker.setAttribute("data-admin-init-done", "");
        var options = JSON.parse(marker.getAttribute("data-admin-init-options") || "null");
        var args = marker.hasAttribute("data-admin-init-id")
            ? [marker.getAttribute("data-admin-init-id"), options] : [options];
        if (construct) {
            new (Function.prototype.bind.apply(fn, [null].concat(args)))();
        } else {
            fn.apply(window, args);
        }
    }

    function startAll(root) {
        if (root.matches && root.matches(SELECTOR)) { start(root); }
        if (root.querySelectorAll) {
            Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), start);
        }
    }

    function watch() {
        startAll(document);
        new MutationObserver(function (records) {
            records.forEach(function (record) {
                Array.prototype.forEach.call(record.addedNodes, function (node) {
                    if (node.nodeType === 1) { startAll(node); }
                });
            });
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", watch);
    } else {
        watch();
    }
})();
