package io.corral.jetty;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers its text at once; asked with {@code ?slow}, only once the test releases it: a request the test knows to be
 * in flight while it stops, drains or suspends the server. Holds at most {@code hold}, so that a test that fails
 * before its release does not keep the server's stop waiting.
 */
final class SlowServlet extends HttpServlet {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final String answer;
    private final Duration hold;

    SlowServlet(String answer, Duration hold) {
        this.answer = answer;
        this.hold = hold;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getParameter("slow") != null) {
            entered.countDown();
            try {
                release.await(hold.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        response.getWriter().print(answer);
    }
}
