// Freenove's 29.2_TCP_as_Server.py (ESP8266) is identical to the ESP32's 29.2_TCP_as_Server.py:
// the same port runs here.
import "../esp32/server.ts";
