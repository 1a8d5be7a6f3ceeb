// Runs in <head> so a reader who chose larger text never sees the page jump.
(function () {
    try {
        if (window.localStorage.getItem("textSize") === "large") {
            document.documentElement.classList.add("large-text");
        }
    } catch (e) { /* storage blocked: default size */ }
})();
