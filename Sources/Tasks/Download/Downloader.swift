import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
import Results
#endif

/// Fetches a file over HTTP(S), checks its sha256 and only then moves it into place, so that a failed, cut or
/// corrupted download never leaves a file where a loader would read it.
public enum Downloader {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Downloads `url` to `destination`; with `sha256` the bytes must match it. Returns the digest of what was written.
    @discardableResult
    public static func fetch(_ url: URL, to destination: String, sha256 expected: String?, timeout: TimeInterval = 120) throws -> String {
        let data = try get(url, timeout: timeout)
        let digest = FileDigest.sha256(data)
        if let expected, digest != expected.lowercased() {
            throw Failure(description: "\(url.absoluteString): sha256 mismatch (got \(digest), expected \(expected)); nothing was written")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
        } catch {
            throw Failure(description: "\(destination): cannot write (\(error.localizedDescription))")
        }
        return digest
    }

    /// The whole body of a successful GET, or an error naming the URL and what went wrong.
    static func get(_ url: URL, timeout: TimeInterval) throws -> Data {
        final class Outcome: @unchecked Sendable {
            var data: Data?, response: URLResponse?, error: Error?
            let done = DispatchSemaphore(value: 0)
        }
        let outcome = Outcome()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: url) { data, response, error in
            outcome.data = data
            outcome.response = response
            outcome.error = error
            outcome.done.signal()
        }.resume()
        outcome.done.wait()
        if let error = outcome.error {
            throw Failure(description: "\(url.absoluteString): download failed (\(error.localizedDescription)); nothing was written")
        }
        if let http = outcome.response as? HTTPURLResponse {
            guard http.statusCode == 200 else {
                throw Failure(description: "\(url.absoluteString): HTTP \(http.statusCode); nothing was written")
            }
            // A server that closes early may still report success; a short body against its own length is a cut download.
            if http.expectedContentLength > 0, let data = outcome.data, Int64(data.count) != http.expectedContentLength {
                throw Failure(description: "\(url.absoluteString): connection closed after \(data.count) of \(http.expectedContentLength) bytes; nothing was written")
            }
        }
        guard let data = outcome.data else { throw Failure(description: "\(url.absoluteString): no data received") }
        return data
    }
}
