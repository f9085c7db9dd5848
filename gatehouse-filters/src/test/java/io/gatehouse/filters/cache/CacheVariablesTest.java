package io.gatehouse.filters.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Recognising the cache's session variables and SELECTs from their text. */
class CacheVariablesTest {
    @Test
    void assignmentsOfTheFourVariablesAreRecognised() {
        assertThat(CacheVariables.parse("SET @maxscale.cache.populate = false"))
                .isEqualTo(new CacheVariables.Assignment("populate", "false"));
        assertThat(CacheVariables.parse("set @MaxScale.Cache.USE:=1;"))
                .isEqualTo(new CacheVariables.Assignment("use", "1"));
        assertThat(CacheVariables.parse("SET @maxscale.cache.soft_ttl='10'"))
                .isEqualTo(new CacheVariables.Assignment("soft_ttl", "10"));
        assertThat(CacheVariables.parse("SET @maxscale.cache.hard_ttl = 5, @a = 1")).as("not ours alone").isNull();
        assertThat(CacheVariables.parse("SET @maxscale.cache.other = 1")).isNull();
        assertThat(CacheVariables.parse("SET @a = 1")).isNull();
        assertThat(CacheVariables.isCandidate(" /* x */ SET @maxscale.cache.use=0")).isTrue();
        assertThat(CacheVariables.isCandidate("SELECT '@maxscale.cache.use'")).isFalse();
    }

    @Test
    void valuesAreChecked() {
        assertThat(CacheVariables.bool("TRUE")).isTrue();
        assertThat(CacheVariables.bool("0")).isFalse();
        assertThat(CacheVariables.bool("maybe")).isNull();
        assertThat(CacheVariables.seconds("30")).isEqualTo(30L);
        assertThat(CacheVariables.seconds("-1")).isNull();
        assertThat(CacheVariables.seconds("ten")).isNull();
    }

    @Test
    void selectsAreRecognisedPastCommentsAndParentheses() {
        assertThat(CacheVariables.startsWithSelect("select 1")).isTrue();
        assertThat(CacheVariables.startsWithSelect(" /* c */ (SELECT a FROM t)")).isTrue();
        assertThat(CacheVariables.startsWithSelect("-- c\nWITH x AS (SELECT 1) SELECT * FROM x")).isTrue();
        assertThat(CacheVariables.startsWithSelect("UPDATE t SET a = 1")).isFalse();
        assertThat(CacheVariables.startsWithSelect("SELECTED")).isTrue();   // the classifier decides the rest
    }
}
