package io.corral.connector.http2.hpack;

import java.util.HexFormat;

/** Octets written as the RFCs print them ("8286 8441 0f77"), spaces ignored. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
