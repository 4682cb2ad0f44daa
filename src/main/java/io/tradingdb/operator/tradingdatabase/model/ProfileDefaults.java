package io.tradingdb.operator.tradingdatabase.model;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.tradingdb.operator.api.v1alpha1.tradingdatabase.Profile;
import java.util.Optional;

/** What each profile means, in one table. */
record ProfileDefaults(
    int instances,
    String dataSize,
    Optional<String> walSize,
    ResourceRequirements resources,
    boolean poolerEnabled,
    int poolerInstances) {

  static ProfileDefaults of(Profile profile) {
    return switch (profile) {
      case DEVELOPMENT -> new ProfileDefaults(
          1, "10Gi", Optional.empty(), ClusterModel.resources("250m", "512Mi", "1Gi"), false, 1);
      case STAGING -> new ProfileDefaults(
          2, "50Gi", Optional.empty(), ClusterModel.resources("1", "2Gi", "4Gi"), true, 1);
      case PRODUCTION -> new ProfileDefaults(
          3, "200Gi", Optional.of("50Gi"), ClusterModel.resources("2", "8Gi", "16Gi"), true, 2);
    };
  }
}
