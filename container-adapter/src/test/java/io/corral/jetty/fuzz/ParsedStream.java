package io.corral.jetty.fuzz;

import java.util.List;

/**
 * What one request parser made of a stream of pipelined request bytes: the requests it accepted, each
 * with the offset where it ended, then how the stream ended for it.
 *
 * @param requests the complete requests, in order
 * @param ending   {@link Ending#REFUSED} when the parser refused the request after the last accepted one,
 *                 {@link Ending#INCOMPLETE} when the input ended inside a request, {@link Ending#END}
 *                 when it ended between requests, {@link Ending#CLOSED} when the last request closes the
 *                 connection (nothing after it is read as a request)
 * @param status   the status of the refusal, 0 otherwise
 * @param reason   the refusal's message, for a failure's description
 */
record ParsedStream(List<Request> requests, Ending ending, int status, String reason) {

    /** One request a parser accepted: its method, raw target, decoded body, and where its last byte was. */
    record Request(String method, String target, String body, int end) {}

    enum Ending { END, INCOMPLETE, REFUSED, CLOSED }

    String describe() {
        StringBuilder text = new StringBuilder();
        for (Request request : requests) {
            text.append(request).append('\n');
        }
        return text.append(ending).append(status == 0 ? "" : " " + status + " " + reason).toString();
    }
}
