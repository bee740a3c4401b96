import CZlib
import Foundation
import LockstepCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file as a stream of bytes, inflating gzip transparently (detected by its magic bytes,
/// not the file name, so a misnamed file still reads).
package final class ByteSource {
    package let path: String
    private let handle: FileHandle
    private var gz: UnsafeMutablePointer<z_stream>?
    /// Compressed input waits in `scratch[gzInputPos..<gzInputCount]`.
    private var gzInputPos = 0
    private var gzInputCount = 0
    private var gzEnded = false
    private var rawEOF = false
    /// Bytes read from disk so far (compressed size for gzip files).
    package private(set) var rawBytesRead = 0
    package let isCompressed: Bool
    /// Bytes the reader will produce, when known in advance (plain files; not gzip).
    package var plainSize: Int? {
        isCompressed ? nil : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    }

    package init(path: String) throws {
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw IngestError.fileNotFound(path)
        }
        if isDir.boolValue { throw IngestError.unreadable(path, "is a folder") }
        guard let h = FileHandle(forReadingAtPath: path) else { throw IngestError.unreadable(path, "permission denied or not a regular file") }
        handle = h
        // The magic bytes are kept to be read again rather than sought back to: a pipe or a
        // device named on the command line (`/dev/stdin`) cannot seek.
        var magic = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            var n: Int
            repeat { n = magic.withUnsafeMutableBytes { Glibc.read(h.fileDescriptor, $0.baseAddress! + got, 2 - got) } } while n < 0 && errno == EINTR
            if n < 0 { throw IngestError.unreadable(path, String(cString: strerror(errno))) }
            if n == 0 { rawEOF = true; break }
            got += n
        }
        rawBytesRead = got
        rawPending = Array(magic[..<got])
        isCompressed = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B
        if isCompressed {
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            // 15 + 32: zlib or gzip header, detected automatically.
            guard inflateInit2_(s, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                s.deallocate()
                throw IngestError.unreadable(path, "zlib could not start")
            }
            gz = s
        }
    }

    deinit {
        if let s = gz { inflateEnd(s); s.deinitialize(count: 1); s.deallocate() }
        scratch.deallocate()
        arrayScratch?.deallocate()
        try? handle.close()
    }

    /// Compressed input waiting to be inflated (gzip files only).
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    /// Raw bytes read ahead (the magic bytes), handed out before the descriptor is read again.
    private var rawPending: [UInt8] = []
    /// Content bytes read by ``peek(_:)``, handed out again before any more are produced.
    private var replay: [UInt8] = []
    private var replayPos = 0

    /// Reads up to `max` raw (possibly compressed) bytes straight from the descriptor into `dst`.
    private func readRaw(into dst: UnsafeMutableRawPointer, max: Int) throws -> Int {
        if !rawPending.isEmpty && max > 0 {
            let n = Swift.min(max, rawPending.count)
            rawPending.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress!, byteCount: n) }
            rawPending.removeFirst(n)
            return n
        }
        guard !rawEOF, max > 0 else { return 0 }
        var n: Int
        repeat { n = Glibc.read(handle.fileDescriptor, dst, max) } while n < 0 && errno == EINTR
        if n < 0 { throw IngestError.unreadable(path, String(cString: strerror(errno))) }
        if n == 0 { rawEOF = true }
        rawBytesRead += n
        return n
    }

    /// Fills `dst` with up to `max` bytes of content (inflated for gzip); returns how many were
    /// written, fewer than `max` only at the end of the content.
    ///
    /// The bytes go straight to their destination, with no intermediate buffer: the CSV reader
    /// hands the block it parses next, so plain files cost one copy (the kernel's) and no fresh
    /// pages per block.
    ///
    /// Not an overload of `read(into:max:)`: Swift would convert `&array` to a raw pointer and
    /// pick this one.
    package func fill(_ dst: UnsafeMutableRawPointer, max: Int) throws -> Int {
        if replayPos < replay.count && max > 0 {
            let n = Swift.min(max, replay.count - replayPos)
            replay.withUnsafeBytes { dst.copyMemory(from: $0.baseAddress! + replayPos, byteCount: n) }
            replayPos += n
            if replayPos == replay.count { replay = []; replayPos = 0 }
            return n + (n < max ? try fill(dst + n, max: max - n) : 0)
        }
        return try produce(dst, max: max)
    }

    /// The first `n` bytes of content (fewer at its end), which reading then starts with again:
    /// format detection and reading share one open file, so a pipe loses nothing to the sample.
    package func peek(_ n: Int) throws -> [UInt8] {
        precondition(replay.isEmpty && !started, "peek before reading")
        var buf = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let k = try buf.withUnsafeMutableBytes { try produce($0.baseAddress! + got, max: n - got) }
            if k == 0 { break }
            got += k
        }
        buf.removeLast(n - got)
        replay = buf
        return buf
    }

    private var started = false

    private func produce(_ dst: UnsafeMutableRawPointer, max: Int) throws -> Int {
        started = true
        guard let s = gz else {
            var total = 0
            while total < max {
                let n = try readRaw(into: dst + total, max: max - total)
                if n == 0 { break }
                total += n
            }
            return total
        }
        if gzEnded { return 0 }
        var produced = 0
        while produced < max && !gzEnded {
            if gzInputPos >= gzInputCount {
                if rawEOF {
                    // Input ran out inside a member: the file was cut short.
                    if !streamFinished { throw IngestError.unreadable(path, "gzip stream is truncated") }
                    gzEnded = true
                    break
                }
                gzInputCount = try readRaw(into: scratch.baseAddress!, max: scratch.count)
                gzInputPos = 0
                continue
            }
            if streamFinished {
                // More bytes after a finished member: concatenated gzip members (`cat a.gz b.gz`).
                inflateReset(s)
                streamFinished = false
            }
            s.pointee.next_in = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + gzInputPos
            s.pointee.avail_in = UInt32(gzInputCount - gzInputPos)
            // zlib counts output in 32 bits: hand it at most 1 GiB at a time.
            let room = Swift.min(max - produced, 1 << 30)
            s.pointee.next_out = (dst + produced).assumingMemoryBound(to: UInt8.self)
            s.pointee.avail_out = UInt32(room)
            let status = inflate(s, Z_NO_FLUSH)
            produced += room - Int(s.pointee.avail_out)
            gzInputPos = gzInputCount - Int(s.pointee.avail_in)
            switch status {
            case Z_STREAM_END: streamFinished = true
            case Z_OK, Z_BUF_ERROR: break
            default: throw IngestError.unreadable(path, "gzip data is corrupt (zlib status \(status))")
            }
        }
        return produced
    }

    /// Appends up to `max` bytes to `buffer`; returns how many were appended (0 at the end).
    package func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        if arrayScratch == nil { arrayScratch = .allocate(byteCount: 1 << 20, alignment: 16) }
        let out = arrayScratch!
        var total = 0
        while total < max {
            let n = try fill(out.baseAddress!, max: Swift.min(max - total, out.count))
            if n == 0 { break }
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[..<n]))
            total += n
        }
        return total
    }

    /// Where ``read(into:max:)`` reads before appending (an array cannot be filled in place),
    /// made on first use and kept.
    private var arrayScratch: UnsafeMutableRawBufferPointer?

    private var streamFinished = false

    /// The first `n` bytes (decompressed), for format detection; the source is rewound afterwards.
    package static func sample(path: String, bytes n: Int = 1 << 16) throws -> [UInt8] {
        let s = try ByteSource(path: path)
        var buf: [UInt8] = []
        while buf.count < n, try s.read(into: &buf, max: n - buf.count) > 0 {}
        return buf
    }

    /// The whole decompressed content.
    package static func readAll(path: String) throws -> [UInt8] {
        let s = try ByteSource(path: path)
        var buf: [UInt8] = []
        while try s.read(into: &buf, max: 8 << 20) > 0 {}
        return buf
    }
}

/// Expands the command line's inputs: files as given, folders to the data files inside them.
package enum InputFiles {
    /// Extensions taken from a folder (with or without `.gz`); explicit file paths are always taken.
    package static let dataExtensions: Set<String> = ["csv", "tsv", "json", "jsonl", "ndjson", "txt"]

    package static func expand(_ paths: [String]) throws -> [String] {
        try walk(paths).files.map(\.path)
    }

    /// Like ``expand(_:)``, saying for each file whether it was found inside a folder (such files may
    /// be skipped when they hold something else; a file named explicitly must be readable).
    package static func expandMarked(_ paths: [String]) throws -> [(path: String, inFolder: Bool)] {
        try walk(paths).files
    }

    /// The files to read, and what walking the folders passed over that a reader should know of.
    ///
    /// A path named explicitly is taken whatever it is (a pipe or a device is read as `/dev/stdin`
    /// would be). Inside folders only regular files are taken, symbolic links followed: reading a
    /// named pipe would wait for a writer forever and a device may never end, so those, sockets,
    /// broken links and folders already visited (a link loop) are listed as skipped instead.
    package static func walk(_ paths: [String]) throws -> (files: [(path: String, inFolder: Bool)], skipped: [SkippedFile]) {
        var out: [(path: String, inFolder: Bool)] = []
        var skipped: [SkippedFile] = []
        let fm = FileManager.default
        for p in paths {
            var st = stat()
            guard stat(p, &st) == 0 else {
                if errno == ENOENT { throw IngestError.fileNotFound(p) }
                throw IngestError.unreadable(p, String(cString: strerror(errno)))
            }
            if st.st_mode & S_IFMT != S_IFDIR { out.append((p, false)); continue }
            var found: [String] = []
            var visited: Set<[UInt64]> = [[UInt64(st.st_dev), UInt64(st.st_ino)]]
            var pending = [p]
            while let dir = pending.popLast() {
                guard let names = try? fm.contentsOfDirectory(atPath: dir) else {
                    if dir == p { throw IngestError.unreadable(p, "cannot list the folder") }
                    skipped.append(SkippedFile(kind: "other", file: dir, reason: "a folder that cannot be listed (permission denied?): not read"))
                    continue
                }
                for name in names {
                    let full = (dir as NSString).appendingPathComponent(name)
                    var s = stat()
                    guard stat(full, &s) == 0 else {
                        if name.hasPrefix(".") { continue }
                        let why = errno == ELOOP ? "a symbolic link that loops" : "a broken symbolic link"
                        skipped.append(SkippedFile(kind: "other", file: full, reason: "\(why): not read"))
                        continue
                    }
                    switch s.st_mode & S_IFMT {
                    case S_IFDIR:
                        // Folders are entered once, however many links lead to them: a link to a
                        // folder above would otherwise be walked without end.
                        if visited.insert([UInt64(s.st_dev), UInt64(s.st_ino)]).inserted { pending.append(full) }
                    case S_IFREG:
                        if name.hasPrefix(".") { continue }
                        var ext = (name as NSString).pathExtension.lowercased()
                        if ext == "gz" { ext = ((name as NSString).deletingPathExtension as NSString).pathExtension.lowercased() }
                        if dataExtensions.contains(ext) { found.append(full) }
                    default:
                        if name.hasPrefix(".") { continue }
                        let kind = switch s.st_mode & S_IFMT {
                        case S_IFIFO: "a named pipe"
                        case S_IFSOCK: "a socket"
                        case S_IFCHR, S_IFBLK: "a device"
                        default: "not a regular file"
                        }
                        skipped.append(SkippedFile(kind: "other", file: full,
                                                   reason: "\(kind), not a regular file: not read from a folder (reading it could wait forever); name it on the command line to read it"))
                    }
                }
            }
            if found.isEmpty { throw IngestError.emptyInput("\(p) holds no data files (.csv, .jsonl, .json, optionally .gz)") }
            out += found.sorted().map { ($0, true) }
        }
        return (out, skipped)
    }
}
