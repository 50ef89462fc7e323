// Freenove's 29.1_TCP_as_Client.py (ESP8266) is identical to the Pico W's 30.1_TCP_as_Client.py:
// the same port runs here.
import "../pico_w/client.ts";
