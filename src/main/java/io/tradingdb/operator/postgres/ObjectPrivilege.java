package io.tradingdb.operator.postgres;

/** One privilege a role holds (or should hold) on one object. */
public record ObjectPrivilege(ObjectRef object, String privilege) {

  public ObjectPrivilege {
    object.kind().checkPrivilege(privilege);
  }
}
