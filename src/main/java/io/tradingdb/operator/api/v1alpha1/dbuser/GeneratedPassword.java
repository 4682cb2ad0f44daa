package io.tradingdb.operator.api.v1alpha1.dbuser;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Options of a generated password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GeneratedPassword {

  @Min(16)
  @Max(128)
  @JsonPropertyDescription("Number of characters (letters and digits). 16 to 128, default 32.")
  private Integer length;

  public Integer getLength() { return length; }
  public void setLength(Integer length) { this.length = length; }
}
