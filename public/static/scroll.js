// Infinite scroll for a city's list. The page works without this script: the "more" link is a
// real URL for the next page. With it, the next page is fetched as the viewer nears the end and
// its posts are appended; clicking a post first rewrites the address to the page that post
// came from (plus #p<id>), so Back returns to that page, scrolled to the post.
(function () {
  "use strict";
  var list = document.getElementById("results");
  if (!list || !("fetch" in window)) return;
  var loading = false;

  function moreLink() { return document.querySelector("a.more"); }

  function loadNext() {
    var link = moreLink();
    if (!link || loading) return;
    loading = true;
    var url = link.getAttribute("href");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        doc.querySelectorAll("#results > li.post").forEach(function (li) {
          if (!document.getElementById(li.id)) list.appendChild(document.importNode(li, true));
        });
        var fresh = doc.querySelector("p.new-posts");
        var banner = document.querySelector("section.results > p.new-posts");
        if (fresh && !banner) list.parentNode.insertBefore(document.importNode(fresh, true), list);
        else if (fresh && banner) banner.replaceWith(document.importNode(fresh, true));
        var next = doc.querySelector("p.more");
        var holder = link.parentNode;
        if (next) holder.replaceWith(document.importNode(next, true));
        else {
          var end = doc.querySelector("p.end") || doc.createElement("p");
          if (!end.className) { end.className = "end"; end.textContent = "End of the list."; }
          holder.replaceWith(document.importNode(end, true));
        }
        loading = false;
        observe();
      })
      .catch(function () { loading = false; });  // the link still works by hand
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { if (e.isIntersecting) loadNext(); });
      }, { rootMargin: "600px 0px" })
    : null;

  function observe() {
    var link = moreLink();
    if (!link) return;
    if (observer) { observer.disconnect(); observer.observe(link); }
  }

  list.addEventListener("click", function (event) {
    var a = event.target.closest("a");
    var li = event.target.closest("li.post");
    if (!a || !li || !li.dataset.page) return;
    history.replaceState(null, "", li.dataset.page + "#" + li.id);
  });

  observe();
})();
