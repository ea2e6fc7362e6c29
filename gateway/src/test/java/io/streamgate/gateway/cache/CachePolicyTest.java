package io.streamgate.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CachePolicyTest {

    private static final CachePolicy NO_LOOKUP = new CachePolicy(false, true);
    private static final CachePolicy NO_STORE = new CachePolicy(true, false);

    @Test
    void byDefaultAnAnswerIsLookedUpAndStored() {
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(null, null));
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(true, null));
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(null, ""));
        assertTrue(CachePolicy.DEFAULT.lookup() && CachePolicy.DEFAULT.store());
    }

    @Test
    void cacheFalseInTheBodyTurnsBothOffWhateverTheHeaderSays() {
        for (String header : new String[] {null, "", "no-cache", "no-store", "max-age=60"}) {
            CachePolicy p = CachePolicy.of(false, header);
            assertEquals(CachePolicy.NONE, p, header);
            assertFalse(p.any());
        }
    }

    @Test
    void noCacheSkipsTheLookupAndNoStoreTheStore() {
        assertEquals(NO_LOOKUP, CachePolicy.of(null, "no-cache"));
        assertEquals(NO_STORE, CachePolicy.of(null, "no-store"));
        assertEquals(NO_STORE, CachePolicy.of(true, "no-store"));
        assertEquals(CachePolicy.NONE, CachePolicy.of(null, "no-cache, no-store"));
        assertEquals(CachePolicy.NONE, CachePolicy.of(null, "no-store,no-cache"));
        assertFalse(CachePolicy.of(null, "no-cache,no-store").any());
        assertTrue(NO_LOOKUP.any() && NO_STORE.any());
    }

    @Test
    void directivesAreCaseInsensitiveAndTheRestAreIgnored() {
        assertEquals(NO_LOOKUP, CachePolicy.of(null, "  No-Cache  "));
        assertEquals(NO_STORE, CachePolicy.of(null, "max-age=0, NO-STORE, private"));
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(null, "max-age=0, must-revalidate"));
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(null, "no-cachex, xno-store, no cache"), "no partial matches");
        assertEquals(CachePolicy.DEFAULT, CachePolicy.of(null, ",,,"));
    }
}
