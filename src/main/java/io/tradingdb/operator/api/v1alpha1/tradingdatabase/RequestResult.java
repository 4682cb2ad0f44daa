package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** What became of a request made with an annotation (restart, switchover). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RequestResult {
  @JsonPropertyDescription("The annotation's value this result is for; a request acts once per value.")
  private String token;
  @JsonPropertyDescription("InProgress, Succeeded or Failed.")
  private String result;
  @JsonPropertyDescription("One sentence on what happened.")
  private String message;
  @JsonPropertyDescription("When the request was taken up (while InProgress) or finished (RFC 3339).")
  private String time;

  public RequestResult() {}

  public RequestResult(String token, String result, String message, String time) {
    this.token = token;
    this.result = result;
    this.message = message;
    this.time = time;
  }

  public String getToken() { return token; }
  public void setToken(String token) { this.token = token; }
  public String getResult() { return result; }
  public void setResult(String result) { this.result = result; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public String getTime() { return time; }
  public void setTime(String time) { this.time = time; }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestResult r && Objects.equals(token, r.token) && Objects.equals(result, r.result)
        && Objects.equals(message, r.message) && Objects.equals(time, r.time);
  }

  @Override
  public int hashCode() { return Objects.hash(token, result, message, time); }
}
