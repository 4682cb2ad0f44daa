package io.tradingdb.operator.tradingdatabase.model;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableSpec;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.TimescaleSpec;
import io.tradingdb.operator.kube.Durations;
import io.tradingdb.operator.kube.InvalidSpecException;
import io.tradingdb.operator.postgres.TimescalePolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** spec.timescaledb.hypertables resolved: schema defaulted, durations parsed, duplicates refused. */
final class HypertableModel {

  private HypertableModel() {}

  static List<TimescalePolicies.Hypertable> from(TimescaleSpec spec) {
    if (spec == null || spec.getHypertables() == null) {
      return List.of();
    }
    List<TimescalePolicies.Hypertable> out = new ArrayList<>();
    Set<TimescalePolicies.Table> seen = new HashSet<>();
    for (int i = 0; i < spec.getHypertables().size(); i++) {
      HypertableSpec h = spec.getHypertables().get(i);
      String path = "spec.timescaledb.hypertables[" + i + "]";
      if (h == null || h.getName() == null || h.getName().isBlank()) {
        throw new InvalidSpecException(path + ".name is required");
      }
      var table = new TimescalePolicies.Table(Optional.ofNullable(h.getSchema()).orElse("public"), h.getName());
      if (!seen.add(table)) {
        throw new InvalidSpecException(path + ": " + table + " is listed twice");
      }
      Optional<Duration> dropAfter = Optional.ofNullable(h.getRetention())
          .filter(r -> !Boolean.FALSE.equals(r.getEnabled()))
          .map(r -> duration(r.getDropAfter(), path + ".retention.dropAfter"));
      Optional<TimescalePolicies.Compression> compression = Optional.ofNullable(h.getCompression())
          .filter(c -> !Boolean.FALSE.equals(c.getEnabled()))
          .map(c -> new TimescalePolicies.Compression(
              duration(c.getAfter(), path + ".compression.after"),
              c.getSegmentBy() == null ? List.of() : c.getSegmentBy(),
              c.getOrderBy() == null ? List.of() : c.getOrderBy().stream()
                  .map(o -> new TimescalePolicies.OrderBy(o.getColumn(), Boolean.TRUE.equals(o.getDescending())))
                  .toList()));
      Optional<Duration> chunkInterval = Optional.ofNullable(h.getChunkInterval())
          .map(c -> duration(c, path + ".chunkInterval"));
      out.add(new TimescalePolicies.Hypertable(table, chunkInterval, dropAfter, compression));
    }
    return List.copyOf(out);
  }

  private static Duration duration(String text, String path) {
    if (text == null) {
      throw new InvalidSpecException(path + " is required");
    }
    try {
      Duration d = Durations.parse(text);
      if (d.isZero()) {
        throw new InvalidSpecException(path + " must be longer than zero");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(path + ": " + e.getMessage());
    }
  }
}
