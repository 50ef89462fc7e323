// Freenove's 29.1_TCP_as_Client.py (ESP32) is the Pico W's 30.1_TCP_as_Client.py line for line
// (only the placeholder host differs, which --host sets): the same port runs here.
import "../pico_w/client.ts";
