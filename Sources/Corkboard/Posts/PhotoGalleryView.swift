/// The photos of a post page: every photo, large and in order, in a strip that scrolls sideways
/// and snaps to one photo at a time (a swipe on a phone, a scroll bar or the arrow keys once
/// focused elsewhere), with thumbnails below that link to each photo's anchor. All of it works
/// without JavaScript; public/static/gallery.js adds previous/next buttons, arrow keys on the
/// whole gallery and an announced "Photo n of N".
///
/// Each large photo links to its display-size file, names both sizes in `srcset` (a phone picks
/// the thumbnail when that is enough), carries its width and height so nothing moves while it
/// loads, and all but the first load lazily. Alt text: the post's title and the photo's number.
struct PhotoGalleryView {
    let title: String
    let photos: [PhotoRef]
    /// The thumbnails' bounding box (`photo_thumb_size`): they fit in it, keeping the ratio.
    let thumbSize: Int

    func render() -> HTML {
        guard !photos.isEmpty else { return "" }
        let total = photos.count
        let slides: [HTML] = photos.enumerated().map { index, photo in
            let n = index + 1
            let numbered: HTML = total == 1 ? "" : ", photo \(n) of \(total)"
            let lazy: HTML = index == 0 ? " fetchpriority=\"high\"" : " loading=\"lazy\""
            let thumbWidth = Self.fitted(photo.width, photo.height, within: thumbSize).width
            let url = photo.urlHTML
            return """
                <li class="slide" id="photo-\(n)"><a href="\(url)"><img src="\(url)" srcset="\(photo.thumbURLHTML) \(thumbWidth)w, \(url) \(photo.width)w" sizes="(min-width: 62rem) 58rem, calc(100vw - 2rem)" width="\(photo.width)" height="\(photo.height)" alt="\(title)\(numbered)" decoding="async"\(lazy)></a></li>

                """
        }
        guard total > 1 else {
            return "<section class=\"gallery\" aria-label=\"Photo\">\n<ol class=\"slides single\">\n\(slides)</ol>\n</section>\n"
        }
        let thumbs: [HTML] = photos.enumerated().map { index, photo in
            let n = index + 1
            return "<li><a href=\"#photo-\(n)\"\(HTML.attribute("aria-current=\"true\"", if: index == 0))><img src=\"\(photo.thumbURLHTML)\" alt=\"Photo \(n) of \(total)\" width=\"72\" height=\"72\" loading=\"lazy\" decoding=\"async\"></a></li>\n"
        }
        return """
            <section class="gallery" aria-label="Photos" data-count="\(total)">
            <ol class="slides" tabindex="0" aria-label="\(total) photos: scroll sideways, or pick one below">
            \(slides)</ol>
            <ol class="photos thumbs">
            \(thumbs)</ol>
            </section>
            \(StaticAssets.script("gallery.js"))

            """
    }

    /// The size of a `width` × `height` image shrunk (never enlarged) to fit a `box` square,
    /// as the photo processor makes thumbnails.
    static func fitted(_ width: Int, _ height: Int, within box: Int) -> (width: Int, height: Int) {
        let longest = max(width, height)
        guard longest > box, longest > 0 else { return (width, height) }
        return (max(1, (width * box + longest / 2) / longest), max(1, (height * box + longest / 2) / longest))
    }
}
