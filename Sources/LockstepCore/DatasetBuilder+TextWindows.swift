// Post text written in place: chunk builders fill windows of the final arena, so merging
// moves no text.

extension DatasetBuilder {
    /// Opens a window over the next `count` bytes of reserved text, out of which chunk builders
    /// get theirs (``TextWindow/slice(at:count:)``); nil when fewer are reserved. Until
    /// ``settleWindowText()``, absorbed text from outside windows is held back.
    package mutating func openTextWindow(count: Int) -> TextWindow? {
        let start = ds.posts.textArena.byteCount
        guard count > 0, count <= ds.posts.textArena.spareCapacity,
              let base = ds.posts.textArena.reservedBase() else { return nil }
        windowsOpen = true
        return TextWindow(base: base + start, offset: start, capacity: count)
    }

    /// Moves held-back text behind all the windows; call once every chunk that was given a
    /// window has been absorbed.
    package mutating func settleWindowText() {
        windowsOpen = false
        for (arena, from, to) in pendingText { shiftText(from..<to, by: ds.posts.textArena.appendArena(arena)) }
        pendingText = []
    }

    /// Moves the text references of `posts` by `shift` bytes (their text was appended elsewhere).
    mutating func shiftText(_ posts: Range<Int>, by shift: Int) {
        ds.posts.text.withUnsafeMutableBufferPointer { t in
            for i in posts where !t[i].isEmpty { t[i] = StrRef(offset: t[i].offset + shift, count: t[i].count) }
        }
    }

    /// Makes this (chunk) builder write post text into `window` instead of its own arena.
    package mutating func writeText(into window: TextWindow?) {
        precondition(ds.posts.count == 0, "a text window is set before the first post")
        textWindow = window
        ownTextFrom = window == nil ? 0 : Int.max
    }
}
