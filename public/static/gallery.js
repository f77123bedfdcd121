// Post page gallery. Without this script every photo is already there: the strip scrolls
// sideways (a swipe on a phone) and each thumbnail links to its photo's anchor. With it: the
// arrow keys (and Home/End) anywhere in the gallery change the photo, previous/next buttons,
// thumbnails that move the strip without jumping the page, and "Photo n of N" announced.
(function () {
  "use strict";
  var gallery = document.querySelector(".gallery[data-count]");
  if (!gallery) return;
  var strip = gallery.querySelector(".slides");
  var slides = strip.querySelectorAll(".slide");
  var thumbs = gallery.querySelectorAll(".thumbs a");
  var total = slides.length;
  var current = 0;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var status = document.createElement("p");
  status.className = "gallery-status";
  status.setAttribute("aria-live", "polite");
  var controls = document.createElement("div");
  controls.className = "gallery-controls";
  function button(label, text, step) {
    var b = document.createElement("button");
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.textContent = text;
    b.addEventListener("click", function () { go(current + step); });
    controls.appendChild(b);
    return b;
  }
  var prev = button("Previous photo", "‹", -1);
  controls.appendChild(status);
  var next = button("Next photo", "›", 1);
  gallery.insertBefore(controls, strip.nextSibling);

  function show(i) {
    current = i;
    status.textContent = "Photo " + (i + 1) + " of " + total;
    prev.disabled = i === 0;
    next.disabled = i === total - 1;
    for (var k = 0; k < thumbs.length; k++) {
      if (k === i) thumbs[k].setAttribute("aria-current", "true");
      else thumbs[k].removeAttribute("aria-current");
    }
  }

  // The photo a key, button or thumbnail asked for, while the strip is still scrolling
  // there: the photos it passes on the way must not become the current one.
  var aim = null;
  function go(i) {
    i = Math.max(0, Math.min(total - 1, i));
    aim = i;
    strip.scrollTo({ left: slides[i].offsetLeft - strip.offsetLeft, behavior: still ? "auto" : "smooth" });
    show(i);
  }

  // A swipe or a scroll bar drag moves the strip: follow it.
  var pending = false;
  strip.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var i = Math.max(0, Math.min(total - 1, Math.round(strip.scrollLeft / Math.max(1, strip.clientWidth))));
      if (aim !== null) {
        if (i === aim) aim = null;
        return;
      }
      if (i !== current) show(i);
    });
  });
  // The viewer takes over (a touch, a wheel): follow the strip again.
  ["pointerdown", "wheel", "touchstart"].forEach(function (type) {
    strip.addEventListener(type, function () { aim = null; }, { passive: true });
  });

  gallery.addEventListener("keydown", function (e) {
    var to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: total - 1 }[e.key];
    if (to === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    go(to);
  });

  Array.prototype.forEach.call(thumbs, function (a, i) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      go(i);
    });
  });

  // Opened at a photo's anchor (#photo-3): start there.
  var at = /^#photo-(\d+)$/.exec(window.location.hash);
  show(at ? Math.max(0, Math.min(total - 1, parseInt(at[1], 10) - 1)) : 0);
})();
