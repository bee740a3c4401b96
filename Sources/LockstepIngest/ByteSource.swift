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
    private var gzInput: [UInt8] = []
    private var gzInputPos = 0
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
        try? handle.close()
    }

    /// Reads straight from the descriptor into a reused scratch buffer: `FileHandle.read` would
    /// allocate (and the kernel zero) a fresh `Data` for every block.
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    private func readRawChunk(max: Int) throws -> UnsafeRawBufferPointer {
        guard !rawEOF else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let want = Swift.min(max, scratch.count)
        var n: Int
        repeat { n = Glibc.read(handle.fileDescriptor, scratch.baseAddress!, want) } while n < 0 && errno == EINTR
        if n < 0 { throw IngestError.unreadable(path, String(cString: strerror(errno))) }
        if n == 0 { rawEOF = true }
        rawBytesRead += n
        return UnsafeRawBufferPointer(start: scratch.baseAddress!, count: n)
    }

    private func readRaw(max: Int) throws -> [UInt8] {
        [UInt8](try readRawChunk(max: max))
    }

    /// Appends up to `max` bytes to `buffer`; returns how many were appended (0 at the end).
    public func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        guard let s = gz else {
            var total = 0
            while total < max {
                let chunk = try readRawChunk(max: max - total)
                if chunk.isEmpty { break }
                buffer.append(contentsOf: chunk)
                total += chunk.count
            }
            return total
        }
        if gzEnded { return 0 }
        var out = [UInt8](repeating: 0, count: max)
        var produced = 0
        while produced < max && !gzEnded {
            if gzInputPos >= gzInput.count {
                if rawEOF {
                    // Input ran out inside a member: the file was cut short.
                    if !streamFinished { throw IngestError.unreadable(path, "gzip stream is truncated") }
                    gzEnded = true
                    break
                }
                gzInput = try readRaw(max: 1 << 20)
                gzInputPos = 0
                continue
            }
            if streamFinished {
                // More bytes after a finished member: concatenated gzip members (`cat a.gz b.gz`).
                inflateReset(s)
                streamFinished = false
            }
            let status: Int32 = gzInput.withUnsafeMutableBufferPointer { inp in
                out.withUnsafeMutableBufferPointer { o in
                    s.pointee.next_in = inp.baseAddress! + gzInputPos
                    s.pointee.avail_in = UInt32(inp.count - gzInputPos)
                    s.pointee.next_out = o.baseAddress! + produced
                    s.pointee.avail_out = UInt32(max - produced)
                    let r = inflate(s, Z_NO_FLUSH)
                    produced = max - Int(s.pointee.avail_out)
                    gzInputPos = inp.count - Int(s.pointee.avail_in)
                    return r
                }
            }
            switch status {
            case Z_STREAM_END: streamFinished = true
            case Z_OK, Z_BUF_ERROR: break
            default: throw IngestError.unreadable(path, "gzip data is corrupt (zlib status \(status))")
            }
        }
        buffer.append(contentsOf: out[0..<produced])
        return produced
    }

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
