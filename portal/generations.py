"""Generations: how cached things learn that what they were drawn from has changed.

A generation is a number in the shared cache. Whatever is cached stores, beside itself, the
generation read before it was computed, and is used only while the generation is the same;
a change moves the generation on (``bump``), so everything stored before is out of date at
once, in every process. Used by the public page cache and the chrome (home.page_cache,
home.chrome) and by the staff counts (venues.todo)."""

import logging
import time

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class Generation:
    def __init__(self, key):
        self.key = key

    def current(self, found=None):
        """The generation, taken from ``found`` (the result of a ``cache.get_many`` that asked
        for ``self.key`` beside the entry) when given. A missing one (never set, or evicted)
        starts anew from the clock, so that it never equals one that entries were stored
        under before."""
        generation = (found or {}).get(self.key)
        if generation is None:
            cache.add(self.key, time.time_ns(), timeout=None)
            generation = cache.get(self.key)
        return generation

    def bump(self):
        """A new generation. Never raises: the data has been saved whatever the cache says."""
        try:
            try:
                cache.incr(self.key)
            except ValueError:  # no generation yet, or evicted
                cache.set(self.key, time.time_ns(), timeout=None)
        except Exception:
            logger.exception("cache unavailable: %s entries stay until they expire", self.key)

    def kept(self, key, compute, timeout):
        """``compute()``, kept in the cache under ``key`` while the generation stays the same
        and at most ``timeout`` seconds. If the cache is down, computed every time."""
        try:
            found = cache.get_many([self.key, key])
            generation = self.current(found)
        except Exception:
            logger.exception("cache unavailable: %s computed afresh", key)
            return compute()
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return entry[1]
        value = compute()  # the generation was read before: a change meanwhile is not hidden
        if generation is None:  # the cache lost it at once: nothing to keep the value under
            return value
        try:
            cache.set(key, (generation, value), timeout=timeout)
        except Exception:
            logger.exception("cache unavailable: %s not kept", key)
        return value

    def bump_now_and_on_commit(self):
        """Now, for whoever reads in this transaction; again on commit, since an entry drawn
        between the two from the data before the commit would otherwise be stored as current."""
        self.bump()
        transaction.on_commit(self.bump)
