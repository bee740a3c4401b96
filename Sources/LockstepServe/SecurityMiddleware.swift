import Foundation
import Hummingbird

/// Headers every response carries, and the access token beyond loopback.
struct SecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    /// No remote source of any kind; the stylesheet is Lockstep's own, and no page needs a script.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var setCookie: String?
        if let token {
            let given = FormData.parse(request.uri.query ?? "")["token"]
            let cookie = Self.cookie("lockstep_token", request.headers[.cookie] ?? "")
            if let given, Workspace.constantTimeEqual(given, token) {
                // Once given in the URL, the token rides in a cookie the page's scripts cannot read.
                setCookie = "lockstep_token=\(token); HttpOnly; SameSite=Strict; Path=/"
            } else if cookie == nil || !Workspace.constantTimeEqual(cookie!, token) {
                return Self.secure(Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                                            body: .init(byteBuffer: ByteBuffer(string: "This workspace needs the access token printed by `lockstep serve` (open the URL it printed).\n"))))
            }
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as HTTPError {
            // Error pages as plain text: nothing from the request is ever rendered as HTML.
            response = Response(status: e.status, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: (e.body ?? e.status.reasonPhrase) + "\n")))
        }
        if let setCookie { response.headers[.setCookie] = setCookie }
        return Self.secure(response)
    }

    static func secure(_ r: Response) -> Response {
        var r = r
        r.headers[.contentSecurityPolicy] = contentSecurityPolicy
        r.headers[.xContentTypeOptions] = "nosniff"
        r.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        r.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        return r
    }

    static func cookie(_ name: String, _ header: String) -> String? {
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }
}
