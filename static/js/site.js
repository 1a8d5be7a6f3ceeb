// The larger-text switch: kept in the browser so cached pages are the same for everyone.
(function () {
    var button = document.getElementById("text-size-toggle");
    if (!button) { return; }
    var root = document.documentElement;
    function show() {
        button.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
    }
    button.addEventListener("click", function () {
        var large = root.classList.toggle("large-text");
        try { window.localStorage.setItem("textSize", large ? "large" : "normal"); } catch (e) { /* ignore */ }
        show();
    });
    show();
})();
