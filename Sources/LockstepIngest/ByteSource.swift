import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file as a stream of bytes, inflating gzip transparently (detected by its magic bytes,
/// not the file name, so a misnamed file still reads).
public final class ByteSource {
    public let path: String
    private let handle: FileHandle
    private var gz: UnsafeMutablePointer<z_stream>?
    /// Compressed input waits in `scratch[gzInputPos..<gzInputCount]`.
    private var gzInputPos = 0
    private var gzInputCount = 0
    private var gzEnded = false
    private var rawEOF = false
    /// Bytes read from disk so far (compressed size for gzip files).
    public private(set) var rawBytesRead = 0
    public let isCompressed: Bool
    /// Bytes the reader will produce, when known in advance (plain files; not gzip).
    public var plainSize: Int? {
        isCompressed ? nil : (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    }

    public init(path: String) throws {
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw IngestError.fileNotFound(path)
        }
        if isDir.boolValue { throw IngestError.unreadable(path, "is a folder") }
        guard let h = FileHandle(forReadingAtPath: path) else { throw IngestError.unreadable(path, "permission denied or not a regular file") }
        handle = h
        let magic = (try? h.read(upToCount: 2)) ?? Data()
        try? h.seek(toOffset: 0)
        isCompressed = magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B
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

    /// Reads up to `max` raw (possibly compressed) bytes straight from the descriptor into `dst`.
    private func readRaw(into dst: UnsafeMutableRawPointer, max: Int) throws -> Int {
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
    public func fill(_ dst: UnsafeMutableRawPointer, max: Int) throws -> Int {
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
    public func read(into buffer: inout [UInt8], max: Int) throws -> Int {
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
    public static func sample(path: String, bytes n: Int = 1 << 16) throws -> [UInt8] {
        let s = try ByteSource(path: path)
        var buf: [UInt8] = []
        while buf.count < n, try s.read(into: &buf, max: n - buf.count) > 0 {}
        return buf
    }

    /// The whole decompressed content.
    public static func readAll(path: String) throws -> [UInt8] {
        let s = try ByteSource(path: path)
        var buf: [UInt8] = []
        while try s.read(into: &buf, max: 8 << 20) > 0 {}
        return buf
    }
}

/// Expands the command line's inputs: files as given, folders to the data files inside them.
public enum InputFiles {
    /// Extensions taken from a folder (with or without `.gz`); explicit file paths are always taken.
    public static let dataExtensions: Set<String> = ["csv", "tsv", "json", "jsonl", "ndjson", "txt"]

    public static func expand(_ paths: [String]) throws -> [String] {
        try expandMarked(paths).map(\.path)
    }

    /// Like ``expand(_:)``, saying for each file whether it was found inside a folder (such files may
    /// be skipped when they hold something else; a file named explicitly must be readable).
    public static func expandMarked(_ paths: [String]) throws -> [(path: String, inFolder: Bool)] {
        var out: [(path: String, inFolder: Bool)] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw IngestError.fileNotFound(p) }
            if !isDir.boolValue { out.append((p, false)); continue }
            guard let e = fm.enumerator(atPath: p) else { throw IngestError.unreadable(p, "cannot list the folder") }
            var found: [String] = []
            while let rel = e.nextObject() as? String {
                let name = (rel as NSString).lastPathComponent
                if name.hasPrefix(".") { continue }
                var ext = (name as NSString).pathExtension.lowercased()
                if ext == "gz" { ext = ((name as NSString).deletingPathExtension as NSString).pathExtension.lowercased() }
                guard dataExtensions.contains(ext) else { continue }
                let full = (p as NSString).appendingPathComponent(rel)
                var d: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &d), !d.boolValue { found.append(full) }
            }
            if found.isEmpty { throw IngestError.emptyInput("\(p) holds no data files (.csv, .jsonl, .json, optionally .gz)") }
            out += found.sorted().map { ($0, true) }
        }
        return out
    }
}
