// Composes and submits a message with an attachment in one call, the way
// SocketTools documents CSmtpClient::SubmitMessage with the SMTPMESSAGEEX
// and SMTPSERVER structures. Written for SocketTools; ported to smtpkit by
// changing the include (cstools10.h) and nothing else.
//
//   submit_message SERVER PORT SENDER RECIPIENTS ATTACHMENT [USERNAME]
//
// The password is read from the SMTP_PASSWORD environment variable. The
// connection is secured with STARTTLS (implicit TLS on port 465).
#include <smtpkit/csmtpclient.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char* argv[]) {
    if (argc < 6 || argc > 7) {
        std::fprintf(stderr,
                     "usage: submit_message SERVER PORT SENDER RECIPIENTS ATTACHMENT [USERNAME]\n");
        return 64;
    }

    SMTPMESSAGEEX smtpMessage;
    SMTPSERVER smtpServer;

    ZeroMemory(&smtpMessage, sizeof(smtpMessage));
    smtpMessage.dwSize = sizeof(smtpMessage);
    smtpMessage.lpszFrom = argv[3];
    smtpMessage.lpszTo = argv[4];
    smtpMessage.lpszSubject = _T("Quarterly report");
    smtpMessage.lpszText = _T("Hello,\r\n\r\nthe report is attached.\r\n");
    smtpMessage.lpszHTML = _T("<p>Hello,</p><p>the report is <b>attached</b>.</p>");
    smtpMessage.lpszAttach = argv[5];
    smtpMessage.nCharSet = MIME_CHARSET_UTF8;

    ZeroMemory(&smtpServer, sizeof(smtpServer));
    smtpServer.lpszHostName = argv[1];
    smtpServer.nHostPort = (UINT)std::atoi(argv[2]);
    smtpServer.lpszUserName = (argc == 7) ? argv[6] : NULL;
    smtpServer.lpszPassword = std::getenv("SMTP_PASSWORD");
    smtpServer.nTimeout = 30;
    smtpServer.dwOptions =
        (smtpServer.nHostPort == 465) ? SMTP_OPTION_SECURE_IMPLICIT : SMTP_OPTION_SECURE;

    CSmtpClient smtpClient;

    if (!smtpClient.SubmitMessage(&smtpMessage, &smtpServer)) {
        TCHAR szError[512];
        DWORD dwError = smtpClient.GetLastError();

        smtpClient.GetErrorString(dwError, szError, 512);
        std::fprintf(stderr, "SubmitMessage failed: 0x%08X %s\n", dwError, szError);
        return 69;
    }

    std::printf("submitted\n");
    return 0;
}
